/** Small, pure statistics for benchmark figures. */

/**
 * The q-quantile (0..1) of the values by the nearest-rank method: the smallest value such that at least
 * q·n of the values are at most it (p100 = the maximum). NaN for no values.
 */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  if (q < 0 || q > 1) throw new Error(`quantile must be in [0, 1], got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  return nearestRank(sorted, q);
}

function nearestRank(sorted: readonly number[], q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] as number;
}

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Count, min, mean, p50/p95/p99 (nearest rank) and max, rounded to `digits` decimals (default 1). */
export function summarize(values: readonly number[], digits = 1): LatencySummary {
  const round = (v: number) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);
  if (values.length === 0) {
    const nan = Number.NaN;
    return { count: 0, min: nan, mean: nan, p50: nan, p95: nan, p99: nan, max: nan };
  }
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    min: round(sorted[0] as number),
    mean: round(sum / sorted.length),
    p50: round(nearestRank(sorted, 0.5)),
    p95: round(nearestRank(sorted, 0.95)),
    p99: round(nearestRank(sorted, 0.99)),
    max: round(sorted[sorted.length - 1] as number),
  };
}

/** Events per second of `count` events over `[startMs, endMs]`; NaN for an empty or zero-length span. */
export function ratePerSecond(count: number, startMs: number, endMs: number): number {
  const seconds = (endMs - startMs) / 1000;
  return seconds > 0 && count > 0 ? count / seconds : Number.NaN;
}

/**
 * The highest number of events inside any window of `windowMs` (sliding over the event times), as a rate
 * per second: how fast the events came at their fastest sustained stretch.
 */
export function peakWindowRate(timesMs: readonly number[], windowMs: number): number {
  if (timesMs.length === 0 || windowMs <= 0) return Number.NaN;
  const t = [...timesMs].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while ((t[hi] as number) - (t[lo] as number) > windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best / (windowMs / 1000);
}

/** Rounds to `digits` decimals (non-finite values unchanged). */
export function round(value: number, digits = 2): number {
  return Number.isFinite(value) ? Number(value.toFixed(digits)) : value;
}

/** A reading taken during a run: how many items were done and a cumulative cost (e.g. CPU seconds) then. */
export interface ProgressSample {
  done: number;
  cost: number;
}

/**
 * The cost per item in consecutive windows of about `window` items, from cumulative samples in time order:
 * each window runs from the first sample at or past one boundary to the first at or past the next (the last
 * window ends at the last sample). Cost is multiplied by `scale` (e.g. 1000 for ms).
 */
export function costPerItemByWindow(
  samples: readonly ProgressSample[],
  window: number,
  scale = 1,
): { done: number; costPerItem: number }[] {
  const out: { done: number; costPerItem: number }[] = [];
  if (samples.length < 2 || window <= 0) return out;
  let start = samples[0]!;
  for (let i = 1; i < samples.length; i++) {
    const s = samples[i]!;
    const boundary = (Math.floor(start.done / window) + 1) * window;
    const last = i === samples.length - 1;
    if ((s.done >= boundary || last) && s.done > start.done) {
      out.push({
        done: s.done,
        costPerItem: round(((s.cost - start.cost) * scale) / (s.done - start.done), 2),
      });
      start = s;
    }
  }
  return out;
}
