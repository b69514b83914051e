// Min/max decimation for line charts: per pixel column keep the first, lowest, highest and last
// point, so spikes survive and a 100,000-point curve draws as a few thousand segments.

export interface DecimatedLine {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly length: number;
}

/**
 * Decimates points (xs ascending) inside [xMin, xMax] into at most ~4 points per bucket,
 * `buckets` buckets across the range. Keeps one point either side of the range so lines
 * run to the plot edge. Non-finite ys are skipped.
 */
export function decimateMinMax(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  count: number,
  xMin: number,
  xMax: number,
  buckets: number,
): DecimatedLine {
  const first = Math.max(0, lowerBound(xs, count, xMin) - 1);
  const last = Math.min(count - 1, upperBound(xs, count, xMax));
  const span = last - first + 1;
  const outX = new Float64Array(Math.min(Math.max(span, 0), buckets * 4 + 8));
  const outY = new Float64Array(outX.length);
  let n = 0;
  const push = (i: number): void => {
    if (n > 0 && outX[n - 1] === xs[i] && outY[n - 1] === ys[i]) return;
    outX[n] = xs[i];
    outY[n] = ys[i];
    n++;
  };
  if (span <= 0) return { xs: outX, ys: outY, length: 0 };
  if (span <= buckets * 4) {
    for (let i = first; i <= last; i++) if (Number.isFinite(ys[i])) push(i);
    return { xs: outX, ys: outY, length: n };
  }
  const width = xMax > xMin ? xMax - xMin : 1;
  let i = first;
  while (i <= last) {
    const bucket = Math.floor(((xs[i] - xMin) / width) * buckets);
    let firstI = -1;
    let minI = -1;
    let maxI = -1;
    let lastI = -1;
    while (i <= last && Math.floor(((xs[i] - xMin) / width) * buckets) === bucket) {
      const y = ys[i];
      if (Number.isFinite(y)) {
        if (firstI < 0) firstI = i;
        if (minI < 0 || y < ys[minI]) minI = i;
        if (maxI < 0 || y > ys[maxI]) maxI = i;
        lastI = i;
      }
      i++;
    }
    if (firstI < 0) continue;
    // Emit in x order so the polyline does not double back.
    const picks = [firstI, minI, maxI, lastI].sort((a, b) => a - b);
    for (const p of picks) push(p);
  }
  return { xs: outX, ys: outY, length: n };
}

/** First index with xs[i] >= x. */
export function lowerBound(xs: ArrayLike<number>, count: number, x: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with xs[i] > x. */
export function upperBound(xs: ArrayLike<number>, count: number, x: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the point whose x is closest to `x` (xs ascending), or -1 when empty. */
export function nearestIndex(xs: ArrayLike<number>, count: number, x: number): number {
  if (count === 0) return -1;
  const i = lowerBound(xs, count, x);
  if (i === 0) return 0;
  if (i >= count) return count - 1;
  return x - xs[i - 1] <= xs[i] - x ? i - 1 : i;
}

/** Per pixel column: the lowest, highest and last finite y, NaN where a column has no point. */
export interface ColumnEnvelope {
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly last: Float64Array;
  /** x of the last point in each column (for a line through the columns). */
  readonly lastX: Float64Array;
}

/**
 * Folds points (xs ascending) inside [xMin, xMax] into `columns` columns. Drawing a dense curve
 * as one filled bar per column is far cheaper to rasterise than a zig-zag polyline through every
 * column's minimum and maximum, and looks the same.
 */
export function columnEnvelope(xs: ArrayLike<number>, ys: ArrayLike<number>, count: number, xMin: number, xMax: number, columns: number): ColumnEnvelope {
  const min = new Float64Array(columns).fill(Number.NaN);
  const max = new Float64Array(columns).fill(Number.NaN);
  const last = new Float64Array(columns).fill(Number.NaN);
  const lastX = new Float64Array(columns).fill(Number.NaN);
  const width = xMax > xMin ? xMax - xMin : 1;
  const scale = columns / width;
  for (let i = lowerBound(xs, count, xMin), end = upperBound(xs, count, xMax); i < end; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) continue;
    const c = Math.min(columns - 1, Math.floor((xs[i] - xMin) * scale));
    if (Number.isNaN(min[c]) || y < min[c]) min[c] = y;
    if (Number.isNaN(max[c]) || y > max[c]) max[c] = y;
    last[c] = y;
    lastX[c] = xs[i];
  }
  return { min, max, last, lastX };
}
