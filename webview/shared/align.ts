// uPlot draws every series against one shared x array. Runs compared in the dashboard have their
// own steps (or epochs), so their curves are merged onto the union of their x values: a run has
// `undefined` where only another run has a point (uPlot draws straight across it) and `null` where
// its own value cannot be drawn (not finite, or not positive on a log axis), which leaves a gap.

export type AlignedColumn = Float64Array | (number | null | undefined)[];

/** The sorted union of the lines' x values and where each line's points sit in it. */
export interface Merged {
  readonly union: Float64Array;
  readonly slots: readonly Int32Array[];
  /** Per line: its points are the union's first ones, in order (every run counting the same steps). */
  readonly prefix: readonly boolean[];
}

/**
 * Aligns `columns` (`perLine` consecutive y columns per line, e.g. raw then smoothed) onto
 * `merged` (mergeAscending of the lines' x values). Returns [x, ...columns]. A line whose points
 * are a prefix of the union and can all be drawn is passed as its own typed array, uncopied: reads
 * past its end give undefined, which uPlot treats as "no point here" like any alignment gap.
 */
export function alignCurves(merged: Merged, lengths: readonly number[], columns: readonly Float64Array[], perLine: number, logY: boolean): [Float64Array, ...AlignedColumn[]] {
  const drawable = (y: number): boolean => Number.isFinite(y) && (!logY || y > 0);
  const out = columns.map((ys, c): AlignedColumn => {
    const line = Math.floor(c / perLine);
    const n = lengths[line];
    if (merged.prefix[line]) return allDrawable(ys, n, drawable) ? ys.subarray(0, n) : withGaps(ys, n, drawable);
    const at = merged.slots[line];
    const aligned: (number | null | undefined)[] = [];
    aligned.length = merged.union.length;
    for (let i = 0; i < n; i++) aligned[at[i]] = drawable(ys[i]) ? ys[i] : null;
    return aligned;
  });
  return [merged.union, ...out];
}

function withGaps(ys: Float64Array, n: number, drawable: (y: number) => boolean): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < n; i++) out.push(drawable(ys[i]) ? ys[i] : null);
  return out;
}

function allDrawable(ys: Float64Array, n: number, drawable: (y: number) => boolean): boolean {
  for (let i = 0; i < n; i++) if (!drawable(ys[i])) return false;
  return true;
}

/**
 * The sorted union of several ascending x arrays, and for each input the union position of each
 * of its points. Equal x values of different lines share a position; a repeated x within one
 * line keeps one position per point.
 */
export function mergeAscending(xs: readonly Float64Array[], lengths: readonly number[]): Merged {
  const total = lengths.reduce((a, b) => a + b, 0);
  const union = new Float64Array(total);
  const slots = lengths.map((n) => new Int32Array(n));
  const next = lengths.map(() => 0);
  let n = 0;
  for (;;) {
    let x = Infinity;
    for (let k = 0; k < xs.length; k++) if (next[k] < lengths[k] && xs[k][next[k]] < x) x = xs[k][next[k]];
    if (x === Infinity) break;
    for (let k = 0; k < xs.length; k++) {
      if (next[k] < lengths[k] && xs[k][next[k]] === x) slots[k][next[k]++] = n;
    }
    union[n++] = x;
  }
  const prefix = slots.map((at) => at.every((slot, i) => slot === i));
  return { union: union.subarray(0, n), slots, prefix };
}
