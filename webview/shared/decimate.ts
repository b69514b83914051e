// Decimating dense curves before uPlot sees them: the x range is cut into pixel-wide buckets and
// each curve keeps, per bucket, its smallest and its largest value in the order they occur — so
// every spike and dip still shows — at two x positions shared by all curves. 100 runs × 100,000
// steps become 100 columns of 2 × width values on one x array, instead of 10 million aligned cells.
// A zoomed view gets full resolution inside the window and a coarse grid outside it (so zooming
// out still finds the whole curve); the chart re-decimates when the window moves.

/** Bucket boundaries (ascending) and the two shared x positions of each bucket. */
export interface DecimationGrid {
  readonly edges: Float64Array;
  /** 2 per bucket: a quarter and three quarters across it. */
  readonly xs: Float64Array;
  /** The x window drawn at full resolution. */
  readonly window: { readonly min: number; readonly max: number };
}

function uniformEdges(lo: number, hi: number, buckets: number): number[] {
  const step = (hi - lo) / buckets;
  return Array.from({ length: buckets }, (_, i) => lo + i * step);
}

/**
 * `buckets` buckets over [window.min, window.max], and a quarter as many over each side of the data
 * range [lo, hi] the window leaves out.
 */
export function decimationGrid(lo: number, hi: number, buckets: number, window: { min: number; max: number } = { min: lo, max: hi }): DecimationGrid {
  const min = Math.max(lo, window.min);
  const max = Math.min(hi, window.max);
  const side = Math.max(1, Math.round(buckets / 4));
  const starts = [
    ...(min > lo ? uniformEdges(lo, min, side) : []),
    ...(max > min ? uniformEdges(min, max, buckets) : [min]),
    ...(hi > max ? uniformEdges(max, hi, side) : []),
  ];
  const edges = new Float64Array(starts.length + 1);
  edges.set(starts);
  // The last edge is inclusive: the largest x falls in the last bucket.
  edges[starts.length] = hi;
  const xs = new Float64Array(2 * starts.length);
  for (let b = 0; b < starts.length; b++) {
    const width = edges[b + 1] - edges[b];
    xs[2 * b] = edges[b] + width / 4;
    xs[2 * b + 1] = edges[b] + (3 * width) / 4;
  }
  return { edges, xs, window: { min, max } };
}

/**
 * One column on the grid: per bucket, its extreme values in the order they occur (a bucket with
 * one drawable point repeats it); `undefined` where the curve has no point (uPlot draws across),
 * `null` where it has points but none drawable (not finite, or not positive on a log axis: a gap).
 * `xs` ascending. The inner loop is the hot path of a 100-run overlay: no calls, no lookups.
 */
export function decimateColumn(xs: Float64Array, ys: Float64Array, n: number, grid: DecimationGrid, logY: boolean): (number | null | undefined)[] {
  const edges = grid.edges;
  const buckets = edges.length - 1;
  const out: (number | null | undefined)[] = new Array(2 * buckets);
  let b = 0;
  let i = 0;
  while (i < n && xs[i]! < edges[0]!) i++;
  while (i < n && b < buckets) {
    const end = b === buckets - 1 ? Infinity : edges[b + 1]!;
    if (xs[i]! >= end) {
      // Skip empty buckets with a binary search for the one holding xs[i].
      let lo = b + 1;
      let hi = buckets - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (edges[mid]! <= xs[i]!) lo = mid;
        else hi = mid - 1;
      }
      b = lo;
      continue;
    }
    let min = Infinity;
    let max = -Infinity;
    let minAt = -1;
    let maxAt = -1;
    for (; i < n; i++) {
      if (xs[i]! >= end) break;
      const y = ys[i]!;
      // Not finite (NaN fails both comparisons) or not positive on a log axis: not drawable.
      if (!(y > -Infinity && y < Infinity) || (logY && !(y > 0))) continue;
      if (y < min) {
        min = y;
        minAt = i;
      }
      if (y > max) {
        max = y;
        maxAt = i;
      }
    }
    if (minAt < 0) out[2 * b] = out[2 * b + 1] = null;
    else if (minAt <= maxAt) {
      out[2 * b] = min;
      out[2 * b + 1] = max;
    } else {
      out[2 * b] = max;
      out[2 * b + 1] = min;
    }
    b++;
  }
  return out;
}

/** The grid's x values up to the last bucket any column has a value in, and the columns cut to match (an ended run leaves no empty tail). */
export function trimGrid(grid: DecimationGrid, columns: readonly (number | null | undefined)[][]): { xs: Float64Array; columns: (number | null | undefined)[][] } {
  let last = 0;
  for (const column of columns) for (let j = column.length - 1; j >= last; j--) if (column[j] !== undefined) { last = j + 1; break; }
  last = Math.max(2, last + (last % 2));
  return { xs: grid.xs.subarray(0, last), columns: columns.map((c) => (c.length > last ? c.slice(0, last) : c)) };
}
