import { extensionContextOf } from '../../../runtime/propagation/extension-context';
import { ENV, loadSamples } from '../local/parity/compare';
import { reference } from '../local/parity/reference';

/**
 * Universal mode runs the handler on `extensionContextOf` instead of waiting for the
 * extension's answer: on every event sample the extension reads, it must find the context the
 * extension finds (the parity reference, written from bottlecap's trigger code).
 */
describe("extensionContextOf finds the extension's context on Datadog's event samples", () => {
  const samples = loadSamples().filter((sample) => reference(sample.event as Record<string, unknown>, ENV).source.startsWith('bottlecap'));

  it('covers the samples the extension has a trigger for', () => {
    expect(samples.length).toBeGreaterThanOrEqual(30);
  });

  // The reference takes a traced authorizer's `_datadog` (datadog-lambda-js's rule, which local
  // mode follows); the extension reads only the request's headers (`api_gateway_*_event.rs`
  // `get_carrier`), where these samples carry no context.
  const AUTHORIZER_ONLY = new Set([
    'datadog-lambda-js/api-gateway-traced-authorizer-request-v1.json',
    'datadog-lambda-js/api-gateway-traced-authorizer-request-v2.json',
    'datadog-lambda-js/api-gateway-traced-authorizer-request-websocket-connect.json',
    'datadog-lambda-js/api-gateway-traced-authorizer-token-v1.json',
  ]);

  it.each(samples.map((s) => [s.id, s] as const))('%s', (id, sample) => {
    const expected = AUTHORIZER_ONLY.has(id) ? undefined : reference(sample.event as Record<string, unknown>, ENV).context;
    const found = extensionContextOf(sample.event);
    expect(found && { traceId: found.traceId, parentId: found.parentId, samplingPriority: found.samplingPriority }).toEqual(
      expected && { traceId: expected.traceId, parentId: expected.parentId, samplingPriority: expected.samplingPriority },
    );
  });
});
