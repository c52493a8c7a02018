import { sdkIsExternal } from '../../lib/aws-sdk-bundling';
import { CLIENT_REGISTRY_SYMBOL, SMITHY_CLIENT_FILE, withClientRegistration } from '../../lib/esbuild-plugin';
import { CLIENT_REGISTRY_KEY } from '../../runtime/integrations/aws-sdk/client-registry';

describe('the esbuild plugin', () => {
  it('uses the key the runtime reads', () => {
    expect(Symbol.for(CLIENT_REGISTRY_SYMBOL)).toBe(CLIENT_REGISTRY_KEY);
  });

  it.each([
    '/p/node_modules/@smithy/smithy-client/dist-es/client.js',
    '/p/node_modules/@smithy/core/dist-es/submodules/client/smithy-client/client.js',
    '/p/node_modules/@smithy/core/dist-cjs/submodules/client/index.js',
    'C:\\p\\node_modules\\@aws-sdk\\smithy-client\\dist-cjs\\index.js',
  ])('looks at %s', (file) => {
    expect(SMITHY_CLIENT_FILE.test(file)).toBe(true);
  });

  it.each(['/p/node_modules/@aws-sdk/client-sqs/dist-es/SQSClient.js', '/p/src/client.js'])('ignores %s', (file) => {
    expect(SMITHY_CLIENT_FILE.test(file)).toBe(false);
  });

  it.each([
    ['dist-es', 'export class Client {\n  send() {}\n}'],
    ['dist-cjs', 'class Client {\n  send() {}\n}\nexports.Client = Client;'],
    ['older dist-cjs', 'var _Client = class _Client {};\nvar Client = _Client;'],
  ])('appends the registration to a %s Client module, leaving its code as it was', (_, source) => {
    const contents = withClientRegistration(source)!;
    expect(contents.startsWith(source)).toBe(true);
    expect(contents.slice(source.length)).toBe('\n;(globalThis[Symbol.for("datadog-lambda-ts.aws-sdk.clients")] ??= []).push(Client);\n');
  });

  it('leaves a module without a top-level Client alone', () => {
    expect(withClientRegistration('export class Command {}\nconst x = { Client: 1 };')).toBeUndefined();
  });
});

describe('sdkIsExternal', () => {
  it("follows NodejsFunction's default (@aws-sdk/* external)", () => {
    expect(sdkIsExternal()).toBe(true);
    expect(sdkIsExternal({ externalModules: ['@aws-sdk/*', 'pg'] })).toBe(true);
  });

  it('is false when the user bundles the SDK', () => {
    expect(sdkIsExternal({ externalModules: [] })).toBe(false);
    expect(sdkIsExternal({ externalModules: ['pg'] })).toBe(false);
  });
});
