import { createHash } from 'node:crypto';
import { wrapHandler, type WrapHandlerOptions } from '../../../runtime';
import { createTracerProvider } from '../../../runtime/tracing/tracer-provider';
import { ExtensionEmulator } from '../../../runtime/testing';
import { lambdaContext } from '../../helpers/lambda-context';

/** An execution ARN whose hashed high 64 bits start with a zero hex digit: the extension writes them with 15 digits. */
function executionWithShortTid(): { executionId: string; high: string } {
  for (let i = 0; ; i++) {
    const executionId = `arn:aws:states:us-east-1:123456789012:execution:OrderFlow:run-${i}`;
    const high = (createHash('sha256').update(executionId).digest().readBigUInt64BE(0) & ((1n << 63n) - 1n)).toString(16).padStart(16, '0');
    if (high.startsWith('0')) return { executionId, high };
  }
}

describe('a Step Functions task in universal mode', () => {
  let extension: ExtensionEmulator;
  let options: WrapHandlerOptions;
  beforeAll(async () => {
    extension = await ExtensionEmulator.start({ service: 'orders' });
    options = { ...extension.config(), service: 'orders' };
    createTracerProvider({ config: options });
  });
  afterAll(() => extension.close());

  it('continues the 128-bit trace when the extension answers with an unpadded _dd.p.tid', async () => {
    const { executionId, high } = executionWithShortTid();
    const event = {
      _datadog: {
        Execution: { Id: executionId, RedriveCount: 0 },
        State: { Name: 'ChargeCard', EnteredTime: '2026-12-01T12:00:00.000Z', RetryCount: 0 },
        StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderFlow' },
      },
    };
    const handler = wrapHandler(async () => ({ ok: true }), options);

    await handler(event, lambdaContext());

    // The emulator derived the execution's context and answered as the extension does (15 hex digits of tid).
    const traceId = extension.starts[0]!.extracted!.traceId;
    expect(traceId.slice(0, 16)).toBe(high);
    // Our spans carry that 128-bit trace: the low half as trace_id, the high half, padded again, as _dd.p.tid.
    const spans = extension.spans();
    expect(spans.length).toBeGreaterThan(0);
    for (const span of spans) expect(span.trace_id).toBe(BigInt(`0x${traceId.slice(16)}`));
    expect(spans.some((span) => span.meta['_dd.p.tid'] === high)).toBe(true);
  });
});
