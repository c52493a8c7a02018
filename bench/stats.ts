/**
 * Order statistics for the benchmark: percentiles by linear interpolation between closest
 * ranks (the method numpy and most spreadsheets use by default).
 */
export interface Summary {
  readonly n: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p90: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

/** The `p`-th percentile (0–100) of already sorted ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0];
  if (p >= 100) return sorted[sorted.length - 1];
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const fraction = rank - lower;
  const low = sorted[lower];
  return fraction === 0 ? low : low + (sorted[lower + 1] - low) * fraction;
}

/** Sorts a copy of `values` and returns the percentiles the report prints. */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p25: percentile(sorted, 25),
    p50: percentile(sorted, 50),
    p75: percentile(sorted, 75),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    min: sorted.length ? sorted[0] : Number.NaN,
    max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
  };
}

/** `values[i] - baseline[i]` percentile by percentile: the overhead of a scenario over its baseline. */
export function subtractSummaries(values: Summary, baseline: Summary): Summary {
  return {
    n: values.n,
    p25: values.p25 - baseline.p25,
    p50: values.p50 - baseline.p50,
    p75: values.p75 - baseline.p75,
    p90: values.p90 - baseline.p90,
    p99: values.p99 - baseline.p99,
    min: values.min - baseline.min,
    max: values.max - baseline.max,
  };
}

/** A Fisher–Yates shuffle of a copy of `items`; `random` is injectable for tests. */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
