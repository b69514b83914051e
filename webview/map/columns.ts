// How a per-point column becomes colours: categories get the theme's categorical colours (at most
// 256: the rest share an "other" colour), numbers a 64-step ramp between two colours with the
// extremes shown in the legend. Pure, so it is unit-tested.
import type { MapColumn } from '../protocol';

export const MAX_COLOURS = 256;
export const RAMP_STEPS = 64;

export interface ColourScheme {
  /** Per point, an index into the scheme's colours. */
  readonly codes: Uint16Array;
  /** Legend entries for categories (name and count), in code order; empty for a number column. */
  readonly categories: readonly { readonly name: string; readonly count: number }[];
  /** For a number column: its smallest and largest finite value (codes 0 and RAMP_STEPS − 1). */
  readonly range: { readonly min: number; readonly max: number } | null;
}

export function colourScheme(column: MapColumn): ColourScheme {
  if (column.kind === 'category') {
    const folded = column.names.length > MAX_COLOURS;
    const names = folded ? [...column.names.slice(0, MAX_COLOURS - 1), `(${column.names.length - MAX_COLOURS + 1} other values)`] : column.names;
    const codes = folded ? column.codes.map((c) => Math.min(c, MAX_COLOURS - 1)) : column.codes;
    const counts = new Array<number>(names.length).fill(0);
    for (let i = 0; i < codes.length; i++) counts[codes[i]!]!++;
    return { codes, categories: names.map((name, i) => ({ name, count: counts[i]! })), range: null };
  }
  let min = Infinity, max = -Infinity;
  for (const v of column.values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) { min = 0; max = 0; }
  const span = max - min;
  // Missing values (NaN) take the lowest step, like the smallest value.
  const codes = Uint16Array.from(column.values, (v) => (Number.isFinite(v) && span > 0 ? Math.min(RAMP_STEPS - 1, Math.floor(((v - min) / span) * RAMP_STEPS)) : 0));
  return { codes, categories: [], range: { min, max } };
}

/** The ramp's colour at step s of RAMP_STEPS, between `low` and `high` (RGB 0..255). */
export function rampColour(low: readonly [number, number, number], high: readonly [number, number, number], s: number): [number, number, number] {
  const t = RAMP_STEPS <= 1 ? 0 : s / (RAMP_STEPS - 1);
  return [0, 1, 2].map((c) => Math.round(low[c]! + (high[c]! - low[c]!) * t)) as [number, number, number];
}

/** The k points nearest point `query` on the 2-D picture (itself left out), nearest first, with their 2-D distance. */
export function projectionNeighbours(xy: Float32Array, query: number, k: number, visible: (i: number) => boolean): { index: number; distance: number }[] {
  const qx = xy[2 * query]!, qy = xy[2 * query + 1]!;
  const best: { index: number; distance: number }[] = [];
  const n = xy.length / 2;
  for (let i = 0; i < n; i++) {
    if (i === query || !visible(i)) continue;
    const d = Math.hypot(xy[2 * i]! - qx, xy[2 * i + 1]! - qy);
    if (best.length === k && d >= best[k - 1]!.distance) continue;
    let at = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push({ index: i, distance: d });
    while (at > 0 && best[at - 1]!.distance > d) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = { index: i, distance: d };
  }
  return best;
}
