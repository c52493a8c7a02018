import { wrapHandler } from '../../../runtime/invocation/wrap-handler';
import { ExtensionEmulator, flushTraces, type DecodedSpan } from '../../../runtime/testing';
import { lambdaContext } from '../../helpers/lambda-context';

/** One emulated extension for a test file, and a way to run code inside a traced invocation against it. */
export interface TracedInvocations {
  readonly extension: ExtensionEmulator;
  /** Runs `body` as the handler of one invocation of `event`; resolves once the spans are flushed. */
  invoke<T>(body: (event: unknown) => Promise<T>, event?: unknown): Promise<T>;
  /** Every span of the recorded invocations, the extension's `aws.lambda` included. */
  spans(): DecodedSpan[];
  span(name: string): DecodedSpan;
}

export function tracedInvocations(service = 'orders'): TracedInvocations {
  let extension: ExtensionEmulator | undefined;
  beforeAll(async () => {
    extension = await ExtensionEmulator.start({ service });
  });
  afterEach(() => extension?.reset());
  afterAll(() => extension?.close());

  const harness: TracedInvocations = {
    get extension() {
      return extension!;
    },
    invoke: async <T>(body: (event: unknown) => Promise<T>, event: unknown = {}) => {
      const handler = wrapHandler(body, { ...extension!.config(), service }) as (event: unknown, context: unknown) => Promise<T>;
      try {
        return await handler(event, lambdaContext());
      } finally {
        await flushTraces();
      }
    },
    spans: () => extension!.spans(),
    span: (name) => {
      const found = extension!.spans().find((span) => span.name === name);
      if (!found) throw new Error(`no ${name} span among ${extension!.spans().map((s) => s.name).join(', ')}`);
      return found;
    },
  };
  return harness;
}

/** A carrier's JSON, checked to be the flat object of strings every Datadog consumer requires. */
export function parseCarrier(json: unknown): Record<string, string> {
  expect(typeof json).toBe('string');
  const carrier = JSON.parse(json as string) as Record<string, unknown>;
  for (const value of Object.values(carrier)) expect(typeof value).toBe('string');
  return carrier as Record<string, string>;
}

export const hex = (id: bigint, width = 16): string => id.toString(16).padStart(width, '0');
