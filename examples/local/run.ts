/**
 * `npm start`: runs a traced handler locally against the extension emulator over real
 * loopback HTTP and prints the trace Datadog would receive. No AWS account needed.
 */
import { trace } from '@opentelemetry/api';
import { wrapHandler } from '../../runtime';
import { ExtensionEmulator, renderTraceTree, summarizeTrace } from '../../runtime/testing';

async function main(): Promise<void> {
  const extension = await ExtensionEmulator.start({ service: 'orders' });
  try {
    const tracer = trace.getTracer('orders');
    const handler = wrapHandler(
      async (event: { headers: Record<string, string> }) => {
        await tracer.startActiveSpan('load-order', async (span) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          span.end();
        });
        return { statusCode: 200, body: JSON.stringify({ ok: true, traceparent: event.headers.traceparent }) };
      },
      { ...extension.config(), service: 'orders' },
    );
    // An API Gateway request that arrives with a W3C trace context from an upstream caller.
    const event = { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } };
    await handler(event, { awsRequestId: 'local-request-1', functionName: 'orders' });

    const spans = extension.spans();
    const summary = summarizeTrace(spans);
    console.log(renderTraceTree(spans, { color: process.stdout.isTTY }));
    console.log(`\n${spans.length} spans, ${summary.traceIds.length} trace(s): ${summary.connected ? 'one connected trace' : 'NOT connected'}`);
    if (!summary.connected) process.exitCode = 1;
  } finally {
    await extension.close();
  }
}

void main();
