/**
 * Imported first by `run.ts`: the AWS SDK warns about Node 20 when the first client is built
 * (the example producer builds its client at import), which a local demo cannot act on.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};
