import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { DatadogSpan } from '../../../../runtime/export/datadog-span';
import { resetColdStart } from '../../../../runtime/invocation/cold-start';
import { lambdaContext } from '../../../helpers/lambda-context';
import type { LocalHarness } from '../local-harness';

const EARLIEST_EVENT_MS = Date.UTC(2006, 0, 1);
import { reference, type Reference, type ReferenceEnv } from './reference';

/** The field groups compared per event, as issue #12 measured them. */
export const GROUPS = ['context', 'chain', 'inferred', 'meta', 'trigger'] as const;
export type Group = (typeof GROUPS)[number];

export interface Sample {
  /** `<repository folder>/<file>`. */
  readonly id: string;
  readonly event: Record<string, unknown>;
}

export interface Comparison {
  readonly sample: Sample;
  readonly reference: Reference;
  /** Per compared group, the differences (empty = agrees); a group absent here was not compared. */
  readonly groups: Partial<Record<Group, string[]>>;
}

export const SAMPLES_DIR = join(__dirname, '../../../fixtures/event-samples');
export const ENV: ReferenceEnv = { region: 'us-east-1', accountId: '123456789012', functionName: 'Orders-Handler', service: 'orders-api' };

export function loadSamples(): Sample[] {
  return ['datadog-lambda-js', 'datadog-lambda-extension'].flatMap((folder) =>
    readdirSync(join(SAMPLES_DIR, folder))
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => ({ id: `${folder}/${file}`, event: JSON.parse(readFileSync(join(SAMPLES_DIR, folder, file), 'utf8')) as Record<string, unknown> })),
  );
}

/**
 * Runs local span mode on the sample and compares every group with the reference. Only the
 * keys the reference names are compared: tags we add beyond the extension's are not differences.
 */
export async function compareSample(harness: LocalHarness, sample: Sample): Promise<Comparison> {
  resetColdStart(Date.now() - 500);
  const context = lambdaContext({ functionName: ENV.functionName, invokedFunctionArn: `arn:aws:lambda:${ENV.region}:${ENV.accountId}:function:${ENV.functionName}` });
  const { started, spans } = await harness.invoke(sample.event, { context });
  const otel = harness.memory.getFinishedSpans();
  const expected = reference(sample.event, ENV);
  const ours = spans.filter((span) => span.name !== 'aws.lambda.cold_start');
  const lambda = ours.find((span) => span.name === 'aws.lambda');
  const inferred = orderedInferred(ours);
  const groups: Partial<Record<Group, string[]>> = {};

  const outermost = otelOf(otel, inferred[0] ?? lambda);
  const diffs: string[] = [];
  if (!expected.context) {
    if (!started.generatedTraceId) diffs.push(`context: none expected, got trace ${outermost?.spanContext().traceId}`);
  } else {
    if (started.generatedTraceId) diffs.push('context: expected one, found none');
    else {
      same(diffs, 'traceId', outermost?.spanContext().traceId, expected.context.traceId);
      if (expected.context.parentId) same(diffs, 'parentId', outermost?.parentSpanContext?.spanId, expected.context.parentId);
      if (expected.context.samplingPriority !== undefined) same(diffs, 'samplingPriority', started.samplingPriority, expected.context.samplingPriority);
    }
  }
  groups.context = diffs;

  const chain = [...inferred.map((span) => span.name), 'aws.lambda'];
  const expectedChain = [...expected.spans.map((span) => span.name), 'aws.lambda'];
  const chainDiffs: string[] = [];
  same(chainDiffs, 'chain', chain.join(' > '), expectedChain.join(' > '));
  const path = [...inferred, lambda];
  if (!path.every((span, i) => i === 0 || span?.parent_id === path[i - 1]?.span_id)) chainDiffs.push('chain: spans are not parent and child in order');
  groups.chain = chainDiffs;

  if (expected.spans.length > 0) {
    const spanDiffs: string[] = [];
    const metaDiffs: string[] = [];
    expected.spans.forEach((ref, i) => {
      const span = inferred[i];
      if (!span) {
        spanDiffs.push(`${ref.name}: missing`);
        metaDiffs.push(`${ref.name}: missing`);
        return;
      }
      same(spanDiffs, `${ref.name}.name`, span.name, ref.name);
      same(spanDiffs, `${ref.name}.service`, span.service, ref.service);
      same(spanDiffs, `${ref.name}.resource`, span.resource, ref.resource);
      same(spanDiffs, `${ref.name}.type`, span.type, ref.type);
      const startMs = Number(span.start / 1000n) / 1000;
      // CORRECTION: an event time before 2006 (no trigger existed) is corrupt, not old: the span
      // starts with the invocation instead (runtime/local/event-time.ts), so only plausibility is checked.
      const startAgrees = ref.startMs < EARLIEST_EVENT_MS ? startMs >= EARLIEST_EVENT_MS : Math.abs(startMs - ref.startMs) < 1;
      if (!startAgrees) spanDiffs.push(`${ref.name}.start: ${startMs} != ${ref.startMs}`);
      for (const [key, value] of Object.entries(ref.meta)) same(metaDiffs, `${ref.name}.meta.${key}`, span.meta[key], value);
    });
    groups.inferred = spanDiffs;
    groups.meta = metaDiffs;
  }

  const triggerDiffs: string[] = [];
  for (const [key, value] of Object.entries(expected.trigger)) same(triggerDiffs, `aws.lambda.${key}`, lambda?.meta[key], value);
  groups.trigger = triggerDiffs;
  return { sample, reference: expected, groups };
}

function same(diffs: string[], label: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) diffs.push(`${label}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
}

/** The inferred spans, outermost first (each the parent of the next). */
function orderedInferred(spans: DatadogSpan[]): DatadogSpan[] {
  const lambda = spans.find((span) => span.name === 'aws.lambda');
  const byId = new Map(spans.map((span) => [span.span_id, span]));
  const chain: DatadogSpan[] = [];
  let parent = lambda ? byId.get(lambda.parent_id) : undefined;
  while (parent) {
    chain.unshift(parent);
    parent = byId.get(parent.parent_id);
  }
  return chain;
}

function otelOf(otel: ReadableSpan[], span: DatadogSpan | undefined): ReadableSpan | undefined {
  if (!span) return undefined;
  const id = span.span_id.toString(16).padStart(16, '0');
  return otel.find((candidate) => candidate.spanContext().spanId === id);
}

/** The event source a sample counts under in the agreement table. */
export function sourceOf(comparison: Comparison): string {
  return comparison.reference.source.replace(/^(bottlecap|datadog-lambda-js) /, '').replace(/_event/, '');
}
