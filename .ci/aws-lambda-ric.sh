#!/usr/bin/env bash
# Installs AWS's runtime interface client (npm aws-lambda-ric; 4.x is what the Node.js 24 managed
# runtime runs, 3.x what Node.js 20/22 run) into a cache outside the repository, for
# test/lib/aws-lambda-ric.test.ts. Idempotent: a finished install is reused. Its install scripts
# build curl and aws-lambda-cpp from the sources the package ships, then a node-gyp addon, so it
# needs cmake, make, g++, python3, xz and Node's headers, plus autoconf, automake and libtool
# (3.x always regenerates curl's configure; 4.x only when it is stale). Nothing is downloaded
# but the package and Debian's packages.
# Exit status 0 even on failure (the test then skips, saying why); the log names the cause.
set -uo pipefail
# Usage: bash .ci/aws-lambda-ric.sh [version]   (4.0.2: Node.js 24's client; 3.3.0: Node.js 20/22's)
version="${1:-4.0.2}"
dir="${AWS_LAMBDA_RIC_CACHE:-$HOME/.cache/datadog-lambda-ts}/aws-lambda-ric-$version"
# 4.x puts the addon at the package root, 3.x under dist/.
built() { [ -f "$1/node_modules/aws-lambda-ric/rapid-client.node" ] || [ -f "$1/node_modules/aws-lambda-ric/dist/rapid-client.node" ]; }
if built "$dir"; then
  echo "aws-lambda-ric $version: cached in $dir"
  exit 0
fi
missing=""
for tool in cmake make g++ python3 xz autoconf automake libtoolize; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  echo "aws-lambda-ric: installing build tools (missing:$missing)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    cmake make g++ python3 xz-utils autoconf automake libtool >/dev/null) || echo "aws-lambda-ric: apt-get install failed"
fi
# node-gyp builds against the installed Node's headers rather than downloading them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ] && [ "$(npm config get nodedir 2>/dev/null)" = "undefined" ]; then
  export npm_config_nodedir=/usr
fi
tmp="$dir.partial-$$"
rm -rf "$tmp" && mkdir -p "$tmp"
echo '{"name":"aws-lambda-ric-cache","private":true}' > "$tmp/package.json"
start=$(date +%s)
if (cd "$tmp" && npm install --no-audit --no-fund --no-package-lock --foreground-scripts "aws-lambda-ric@$version") >"$tmp.log" 2>&1 \
  && built "$tmp"; then
  rm -rf "$dir" && mv "$tmp" "$dir" && rm -f "$tmp.log"
  echo "aws-lambda-ric $version: built and installed in $(( $(date +%s) - start )) s into $dir"
else
  echo "aws-lambda-ric $version: install FAILED after $(( $(date +%s) - start )) s; the aws-lambda-ric test will skip. Last lines of $tmp.log:"
  tail -n 25 "$tmp.log"
  rm -rf "$tmp"
fi
exit 0
