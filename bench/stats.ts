/** Pure arithmetic of the benchmarks: distributions, rates and what the poll schedule predicts. */

export interface Distribution {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (`p` in 0..100) of values that need not be sorted. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

export function distribution(values: readonly number[]): Distribution {
  const count = values.length;
  return {
    count,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: count === 0 ? Number.NaN : Math.max(...values),
    mean: count === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / count,
  };
}

/** Rounds for reports: `digits` after the point, NaN kept as null so JSON stays valid. */
export function round(value: number, digits = 2): number | null {
  if (!Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function roundDistribution(d: Distribution, digits = 2): Record<keyof Distribution, number | null> {
  return {
    count: d.count,
    p50: round(d.p50, digits),
    p95: round(d.p95, digits),
    p99: round(d.p99, digits),
    max: round(d.max, digits),
    mean: round(d.mean, digits),
  };
}

/** `a / b`, or NaN when `b` is zero. */
export function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : a / b;
}

/** Requests per object per minute. */
export function perObjectMinute(requests: number, objects: number, windowMs: number): number {
  return ratio(requests, (objects * windowMs) / 60_000);
}
