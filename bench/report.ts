/**
 * Turns raw measurements into summaries, the goal checks of DESIGN.md §10, and the printed tables.
 */
import type { NodeMeasurement, WarmRunResult } from './measure';
import type { ColdSample } from './processes/cold-init';
import type { ArtefactSize } from './prepare';
import type { ScenarioId } from './scenarios';
import { subtractSummaries, summarize, type Summary } from './stats';

/** Summaries of one scenario on one Node. */
export interface ScenarioSummary {
  readonly label: string;
  /** Init time, absolute (ms). */
  readonly initMs?: Summary;
  /** Init time minus the empty handler's, percentile by percentile (ms). */
  readonly initDeltaMs?: Summary;
  readonly firstInvocationMs?: Summary;
  /** The wait for the first event (Runtime API round trip plus deferred library work) and the first invocation. */
  readonly firstRequestMs?: Summary;
  /** What the cold request feels: init + wait + first invocation, minus the empty handler's, percentile by percentile. */
  readonly coldRequestDeltaMs?: Summary;
  /** CPU time of init and of wait + first invocation, minus the empty handler's medians. */
  readonly initCpuDeltaMs?: number;
  readonly firstCpuDeltaMs?: number;
  readonly secondInvocationMs?: Summary;
  /** RSS after `gc()` at the end of init, minus the empty handler's median (MB). */
  readonly rssInitDeltaMb?: number;
  readonly rssInitMb?: number;
  /** Wrapped − plain handler time, percentile by percentile (µs). */
  readonly warmOverheadUs?: Summary;
  readonly warmWrappedUs?: Summary;
  readonly warmPlainUs?: Summary;
  /** RSS after `gc()` at the end of the warm run, minus the empty handler's (MB). */
  readonly rssAfterWarmDeltaMb?: number;
  /** Per wrapped invocation: requests to the stand-in by route, spans received, DogStatsD datagrams. */
  readonly perInvocation?: Record<string, number>;
}

/** A goal of DESIGN.md §10 checked on one Node. */
export interface GoalCheck {
  readonly measure: string;
  readonly ours: number;
  readonly datadog: number;
  readonly unit: 'ms' | 'µs' | 'MB' | 'KB';
  readonly goal: string;
  /** For a goal on the ratio to Datadog: the largest ratio that passes. */
  readonly factor?: number;
  readonly pass: boolean;
}

export interface NodeSummary {
  readonly version: string;
  readonly v8: string;
  readonly datadog: string;
  readonly scenarios: Partial<Record<ScenarioId, ScenarioSummary>>;
  readonly goals: GoalCheck[];
}

const MB = 1024 * 1024;
const median = (values: number[]) => summarize(values).p50;

/** Summaries and goal checks of one Node's measurement. */
export function summarizeNode(m: NodeMeasurement, bundle: ArtefactSize): NodeSummary {
  const emptyCold = m.cold.empty ?? [];
  const emptyInit = summarize(emptyCold.map((s) => s.initMs));
  const emptyColdRequest = summarize(emptyCold.map(coldRequestMs));
  const emptyInitCpu = median(emptyCold.map((s) => s.initCpuMs));
  const emptyFirstCpu = median(emptyCold.map((s) => s.firstCpuMs));
  const emptyRss = median(emptyCold.map((s) => s.rssInitBytes));
  const emptyRssAfter = median((m.warm.empty ?? []).map((r) => r.run.rssAfterBytes));
  const scenarios: Partial<Record<ScenarioId, ScenarioSummary>> = {};
  for (const id of Object.keys(m.scenarioLabels) as ScenarioId[]) {
    const cold = m.cold[id] ?? [];
    const warm = m.warm[id] ?? [];
    const initMs = summarize(cold.map((s) => s.initMs));
    const wrapped = summarize(warm.flatMap((r) => r.run.wrappedUs));
    const plain = summarize(warm.flatMap((r) => r.run.plainUs));
    scenarios[id] = {
      label: m.scenarioLabels[id],
      initMs,
      initDeltaMs: subtractSummaries(initMs, emptyInit),
      firstInvocationMs: summarize(cold.map((s) => s.firstInvocationMs)),
      firstRequestMs: summarize(cold.map((s) => s.gapMs + s.firstInvocationMs)),
      coldRequestDeltaMs: subtractSummaries(summarize(cold.map(coldRequestMs)), emptyColdRequest),
      initCpuDeltaMs: median(cold.map((s) => s.initCpuMs)) - emptyInitCpu,
      firstCpuDeltaMs: median(cold.map((s) => s.firstCpuMs)) - emptyFirstCpu,
      secondInvocationMs: summarize(cold.map((s) => s.secondInvocationMs)),
      rssInitMb: median(cold.map((s) => s.rssInitBytes)) / MB,
      rssInitDeltaMb: (median(cold.map((s) => s.rssInitBytes)) - emptyRss) / MB,
      warmOverheadUs: subtractSummaries(wrapped, plain),
      warmWrappedUs: wrapped,
      warmPlainUs: plain,
      rssAfterWarmDeltaMb: (median(warm.map((r) => r.run.rssAfterBytes)) - emptyRssAfter) / MB,
      perInvocation: perInvocation(warm),
    };
  }
  return {
    version: m.version,
    v8: m.v8,
    datadog: `datadog-lambda-js ${m.datadogLambdaJs} + dd-trace ${m.ddTrace}`,
    scenarios,
    goals: goals(scenarios, bundle),
  };
}

/** Init, the wait for the first event and the first invocation: the cold request's time in the library's hands. */
function coldRequestMs(sample: ColdSample): number {
  return sample.initMs + sample.gapMs + sample.firstInvocationMs;
}

function perInvocation(runs: readonly WarmRunResult[]): Record<string, number> {
  const totals: Record<string, number> = {};
  let invocations = 0;
  for (const { run, standIn } of runs) {
    invocations += run.wrappedInvocations;
    for (const [route, count] of Object.entries(standIn.requests)) totals[route] = (totals[route] ?? 0) + count;
    totals.spans = (totals.spans ?? 0) + standIn.traceSpans;
    totals['dogstatsd datagrams'] = (totals['dogstatsd datagrams'] ?? 0) + standIn.datagrams;
  }
  return Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, invocations ? v / invocations : 0]));
}

function goals(s: Partial<Record<ScenarioId, ScenarioSummary>>, bundle: ArtefactSize): GoalCheck[] {
  const dd = s.datadog;
  const checks: GoalCheck[] = [];
  for (const id of ['ours-esm', 'ours-cjs'] as const) {
    const ours = s[id];
    if (!ours || !dd) continue;
    const tag = id === 'ours-esm' ? 'ESM' : 'CJS';
    const ratioGoal = (measure: string, o: number, d: number, unit: GoalCheck['unit'], factor: number): GoalCheck => ({
      measure: `${measure} (${tag})`,
      ours: o,
      datadog: d,
      unit,
      goal: `≤ ${factor.toFixed(2)}× Datadog`,
      factor,
      pass: o <= d * factor,
    });
    checks.push(
      ratioGoal('init Δ p50', ours.initDeltaMs!.p50, dd.initDeltaMs!.p50, 'ms', 0.05),
      ratioGoal('1st request p50 (wait + invocation)', ours.firstRequestMs!.p50, dd.firstRequestMs!.p50, 'ms', 1),
      ratioGoal('init Δ + 1st request p50', ours.coldRequestDeltaMs!.p50, dd.coldRequestDeltaMs!.p50, 'ms', 0.08),
      ratioGoal('warm Δp50', ours.warmOverheadUs!.p50, dd.warmOverheadUs!.p50, 'µs', 0.9),
      ratioGoal('warm Δp99', ours.warmOverheadUs!.p99, dd.warmOverheadUs!.p99, 'µs', 1),
      { measure: `RSS Δ at init (${tag})`, ours: ours.rssInitDeltaMb!, datadog: dd.rssInitDeltaMb!, unit: 'MB', goal: '≤ +10 MB', pass: ours.rssInitDeltaMb! <= 10 },
    );
  }
  checks.push({ measure: 'bundle, minified (ESM)', ours: bundle.bytes / 1024, datadog: Number.NaN, unit: 'KB', goal: '≤ 120 KB', pass: bundle.bytes <= 120 * 1024 });
  return checks;
}

// ---- printing ----

const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const padLeft = (text: string, width: number) => (text.length >= width ? text : ' '.repeat(width - text.length) + text);
const fixed = (value: number | undefined, digits = 1) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));
const signed = (value: number | undefined, digits = 1) => (value === undefined || Number.isNaN(value) ? '–' : `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? pad(c, widths[i]) : padLeft(c, widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The printed report of one Node. */
export function formatNode(summary: NodeSummary, cold: number, warm: number): string {
  const ids = Object.keys(summary.scenarios) as ScenarioId[];
  const s = (id: ScenarioId) => summary.scenarios[id]!;
  const coldRows = ids.map((id) => {
    const x = s(id);
    const init = id === 'empty' ? `${fixed(x.initMs!.p50, 2)} (abs)` : signed(x.initDeltaMs!.p50);
    const spread = id === 'empty' ? `${fixed(x.initMs!.p25, 2)}–${fixed(x.initMs!.p75, 2)}` : `${signed(x.initDeltaMs!.p25)}…${signed(x.initDeltaMs!.p75)}`;
    const rss = id === 'empty' ? `${fixed(x.rssInitMb)} (abs)` : signed(x.rssInitDeltaMb);
    const sum = id === 'empty' ? '' : signed(x.coldRequestDeltaMs!.p50);
    const dd = summary.scenarios.datadog?.coldRequestDeltaMs?.p50;
    const ratio = id === 'empty' || id === 'datadog' || dd === undefined ? '' : `${fixed(x.coldRequestDeltaMs!.p50 / dd, 3)}×`;
    const cpu = id === 'empty' ? '' : `${signed(x.initCpuDeltaMs)} / ${signed(x.firstCpuDeltaMs)}`;
    return [x.label, init, spread, fixed(x.firstRequestMs!.p50 - x.firstInvocationMs!.p50, 2), fixed(x.firstInvocationMs!.p50, 2), sum, ratio, cpu, fixed(x.secondInvocationMs!.p50, 2), rss];
  });
  const warmRows = ids
    .filter((id) => id !== 'empty')
    .map((id) => {
      const x = s(id);
      const o = x.warmOverheadUs!;
      const per = x.perInvocation ?? {};
      const lifecycle = (per['POST /lambda/start-invocation'] ?? 0) + (per['POST /lambda/end-invocation'] ?? 0);
      const puts = Object.entries(per)
        .filter(([k]) => k.includes('/traces'))
        .reduce((a, [, v]) => a + v, 0);
      return [x.label, fixed(o.p50, 0), fixed(o.p90, 0), fixed(o.p99, 0), `${fixed(x.warmPlainUs!.p50, 0)}/${fixed(x.warmPlainUs!.p99, 0)}`, signed(x.rssAfterWarmDeltaMb), fixed(lifecycle, 2), fixed(puts, 2), fixed(per.spans, 2)];
    });
  const goalRows = summary.goals.map((g) => {
    const ratio = Number.isNaN(g.datadog) ? '' : `${fixed(g.ours / g.datadog, 3)}×`;
    return [g.measure, `${fixed(g.ours, g.unit === 'µs' ? 0 : 1)} ${g.unit}`, Number.isNaN(g.datadog) ? '' : `${fixed(g.datadog, g.unit === 'µs' ? 0 : 1)} ${g.unit}`, ratio, g.goal, g.pass ? 'PASS' : 'FAIL'];
  });
  const baseline = summary.scenarios['baseline-cjs'];
  const oursCjs = summary.scenarios['ours-cjs'];
  const versusBaseline = baseline && oursCjs ? ['', formatVersusBaseline(oursCjs, baseline)] : [];
  return [
    `=== Node ${summary.version} (V8 ${summary.v8}) · Datadog: ${summary.datadog} ===`,
    '',
    `Cold start: fresh process per sample, n=${cold}, interleaved+shuffled; init = in-process timer to handler ready; wait = Runtime API round trip for the first event plus work deferred past init; Δ vs empty handler (p50); CPU = user+sys of init / of wait+1st, Δ vs empty`,
    table(['scenario', 'init Δ ms', 'p25…p75', 'wait ms', '1st inv ms', 'init Δ+wait+1st', 'vs Datadog', 'CPU Δ ms', '2nd inv ms', 'RSS Δ init MB'], coldRows),
    '',
    `Warm: overhead = wrapped − plain (same process, alternating), n=${warm} per handler; per wrapped invocation: lifecycle calls, trace PUTs, spans received`,
    table(['scenario', 'p50 µs', 'p90 µs', 'p99 µs', 'plain p50/p99', 'RSS Δ after MB', 'lifecycle', 'PUTs', 'spans'], warmRows),
    '',
    'Goals (DESIGN.md §10), ours vs Datadog in this run',
    table(['measure', 'ours', 'datadog', 'ratio', 'goal', ''], goalRows),
    ...versusBaseline,
  ].join('\n');
}

/** Ours against the `--baseline` ref's build, measured in the same run. */
function formatVersusBaseline(ours: ScenarioSummary, baseline: ScenarioSummary): string {
  const rows: Array<[string, number, number, 'ms' | 'µs']> = [
    ['init Δ p50', ours.initDeltaMs!.p50, baseline.initDeltaMs!.p50, 'ms'],
    ['init Δ + 1st request p50', ours.coldRequestDeltaMs!.p50, baseline.coldRequestDeltaMs!.p50, 'ms'],
    ['warm Δp50', ours.warmOverheadUs!.p50, baseline.warmOverheadUs!.p50, 'µs'],
    ['warm Δp99', ours.warmOverheadUs!.p99, baseline.warmOverheadUs!.p99, 'µs'],
  ];
  const cells = rows.map(([measure, o, b, unit]) => {
    const digits = unit === 'µs' ? 0 : 1;
    return [measure, `${fixed(o, digits)} ${unit}`, `${fixed(b, digits)} ${unit}`, `${fixed(o / b, 3)}×`];
  });
  return [`ours (esbuild CJS) vs ${baseline.label}, same run`, table(['measure', 'ours', 'baseline', 'ratio'], cells)].join('\n');
}

/** A ratio goal over several runs: the ratio of each run, and their median, which decides. */
export interface GoalAcrossRuns {
  readonly version: string;
  readonly measure: string;
  readonly goal: string;
  readonly ratios: number[];
  readonly median: number;
  readonly pass: boolean;
}

/**
 * The ratio goals of repeated runs, per Node version and measure, in the order of the first run.
 * Each ratio is ours / Datadog's within one run; the median across runs decides.
 */
export function goalsAcrossRuns(summaries: readonly NodeSummary[]): GoalAcrossRuns[] {
  const byKey = new Map<string, { version: string; check: GoalCheck; ratios: number[] }>();
  for (const summary of summaries) {
    for (const check of summary.goals) {
      if (check.factor === undefined) continue;
      const key = `${summary.version}\u0000${check.measure}`;
      const entry = byKey.get(key) ?? { version: summary.version, check, ratios: [] };
      entry.ratios.push(check.ours / check.datadog);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()].map(({ version, check, ratios }) => {
    const middle = median(ratios);
    return { version, measure: check.measure, goal: check.goal, ratios, median: middle, pass: middle <= check.factor! };
  });
}

/** The printed table of `goalsAcrossRuns`. */
export function formatAcrossRuns(goals: readonly GoalAcrossRuns[], runs: number): string {
  const rows = goals.map((g) => [`${g.version} ${g.measure}`, g.ratios.map((r) => `${fixed(r, 3)}×`).join(' '), `${fixed(g.median, 3)}×`, g.goal, g.pass ? 'PASS' : 'FAIL']);
  return [`Goals across ${runs} runs: ours / Datadog in each run, and the median`, table(['Node, measure', 'each run', 'median', 'goal', ''], rows)].join('\n');
}

/** The printed sizes table. */
export function formatSizes(sizes: readonly ArtefactSize[]): string {
  const kb = (bytes: number) => (Number.isNaN(bytes) ? '–' : bytes >= 1024 * 1024 ? `${(bytes / MB).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`);
  return ['Bundle / package size', table(['artefact', 'minified', 'gzip -9', 'files'], sizes.map((a) => [a.label, kb(a.bytes), kb(a.gzipBytes), a.files ? String(a.files) : '1']))].join('\n');
}
