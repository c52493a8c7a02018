import { getTracerProvider } from '../tracing/tracer-provider';

/**
 * Waits until every trace request the runtime has written so far has been answered.
 *
 * A wrapped handler resolves once its trace request is handed to the operating system; it
 * does not wait for the extension to read it. A test that inspects the emulator's spans right
 * after the handler resolved awaits this first.
 *
 * @example
 * await handler(event, createLambdaContext());
 * await flushTraces();
 * expect(extension.receivedSpans()).toHaveLength(2);
 */
export async function flushTraces(): Promise<void> {
  await getTracerProvider()?.forceFlush();
}
