import { wrapHandler, type WrapHandlerOptions } from '../../../runtime/invocation/wrap-handler';
import { ExtensionEmulator, type DecodedSpan } from '../../../runtime/testing';
import { lambdaContext } from '../../helpers/lambda-context';

/** Like `tracedInvocations`, with wrap options and environment variables set for the wrapping. */
export function tracedInvocationsWith(options: WrapHandlerOptions, env: Record<string, string>) {
  let extension: ExtensionEmulator | undefined;
  beforeAll(async () => {
    extension = await ExtensionEmulator.start({ service: 'orders' });
  });
  afterEach(() => extension?.reset());
  afterAll(() => extension?.close());
  return {
    invoke: async <T>(body: () => Promise<T>): Promise<T> => {
      const saved = { ...process.env };
      Object.assign(process.env, env);
      try {
        const handler = wrapHandler(body, { ...extension!.config(), service: 'orders', ...options }) as (event: unknown, context: unknown) => Promise<T>;
        return await handler({}, lambdaContext());
      } finally {
        process.env = saved;
      }
    },
    spans: (): DecodedSpan[] => extension!.spans(),
  };
}
