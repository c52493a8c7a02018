import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { FlushSpanProcessor } from '../../../runtime/export/flush-span-processor';
import { makeSpans } from '../../helpers/spans';

class RecordingExporter implements SpanExporter {
  readonly batches: ReadableSpan[][] = [];
  export(spans: ReadableSpan[], done: (r: { code: ExportResultCode }) => void): void {
    this.batches.push(spans);
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown = jest.fn(() => Promise.resolve());
}

describe('FlushSpanProcessor', () => {
  it('exports every buffered span in one call per flush, and nothing when empty', async () => {
    const exporter = new RecordingExporter();
    const processor = new FlushSpanProcessor(exporter);
    for (const span of makeSpans([{ name: 'a' }, { name: 'b' }])) processor.onEnd(span);

    await processor.forceFlush();
    await processor.forceFlush();

    expect(exporter.batches.map((batch) => batch.map((span) => span.name))).toEqual([['a', 'b']]);
  });

  it('skips unsampled spans', async () => {
    const exporter = new RecordingExporter();
    const processor = new FlushSpanProcessor(exporter);
    const [span] = makeSpans([{ name: 'dropped', parent: { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 0, isRemote: true } }]);
    if (span) processor.onEnd(span);
    await processor.forceFlush();
    expect(exporter.batches).toEqual([]);
  });

  it('drops spans beyond the buffer limit', async () => {
    const exporter = new RecordingExporter();
    const processor = new FlushSpanProcessor(exporter, 2);
    for (const span of makeSpans([{ name: 'a' }, { name: 'b' }, { name: 'c' }])) processor.onEnd(span);
    expect(processor.bufferedCount).toBe(2);
    await processor.forceFlush();
    expect(exporter.batches[0]!.map((span) => span.name)).toEqual(['a', 'b']);
  });

  it('resolves the flush even when the exporter throws', async () => {
    const processor = new FlushSpanProcessor({ export: () => { throw new Error('bug'); }, shutdown: () => Promise.resolve() });
    for (const span of makeSpans([{ name: 'a' }])) processor.onEnd(span);
    await expect(processor.forceFlush()).resolves.toBeUndefined();
  });

  it('flushes then shuts the exporter down', async () => {
    const exporter = new RecordingExporter();
    const processor = new FlushSpanProcessor(exporter);
    for (const span of makeSpans([{ name: 'last' }])) processor.onEnd(span);
    await processor.shutdown();
    expect(exporter.batches).toHaveLength(1);
    expect(exporter.shutdown).toHaveBeenCalled();
  });
});
