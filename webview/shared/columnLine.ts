// uPlot path builders for dense curves, one mark per pixel column. A smoothed curve is a line
// through each column's last value (uPlot's linear paths keep each column's minimum and maximum,
// which draws a smoothed curve as a band rather than the line TensorBoard shows). A raw curve
// behind it is one bar per column from its minimum to its maximum, so spikes stay visible; bars
// rasterise far faster than the zig-zag stroke uPlot would draw through the same extremes.

import uPlot from 'uplot';

type Visit = (column: number, px: number, y: number) => void;

/** Calls `visit` for every drawable point in [idx0, idx1] with its canvas x pixel; null ends a stretch. */
function scan(u: uPlot, seriesIdx: number, idx0: number, idx1: number, visit: Visit, gap: () => void): void {
  const xs = u.data[0];
  const ys = u.data[seriesIdx];
  // The x scale is linear: map values to canvas pixels directly, without a call per point.
  const { min = 0, max = 1 } = u.scales.x;
  const { left, width } = u.bbox;
  const perUnit = max > min ? width / (max - min) : 0;
  for (let i = idx0; i <= idx1; i++) {
    const y = ys[i];
    if (y === undefined) continue; // another run's point: draw across it
    if (y === null) {
      gap(); // this run's own gap
      continue;
    }
    const px = left + (xs[i] - min) * perUnit;
    visit(Math.floor(px), px, y);
  }
}

export const columnLine: uPlot.Series.PathBuilder = (u, seriesIdx, idx0, idx1) => {
  const yScale = u.series[seriesIdx].scale ?? 'y';
  const stroke = new Path2D();
  let column = Number.NaN;
  let lastPx = 0;
  let lastY = 0;
  let pending = false;
  let pen = false;
  const flush = (): void => {
    if (!pending) return;
    const py = u.valToPos(lastY, yScale, true);
    if (pen) stroke.lineTo(lastPx, py);
    else stroke.moveTo(lastPx, py);
    pen = true;
    pending = false;
  };
  scan(
    u,
    seriesIdx,
    idx0,
    idx1,
    (c, px, y) => {
      if (c !== column) {
        flush();
        column = c;
      }
      lastPx = px;
      lastY = y;
      pending = true;
    },
    () => {
      flush();
      pen = false;
    },
  );
  flush();
  return { stroke, fill: null, clip: null, band: null, flags: 0 };
};

const linear = uPlot.paths.linear?.();

/** Raw points: a bar per pixel column while they are denser than two per column, else a plain line. */
export const columnBand: uPlot.Series.PathBuilder = (u, seriesIdx, idx0, idx1) => {
  if (linear !== undefined && idx1 - idx0 < 2 * (u.bbox.width || 1)) {
    // The series' fill colour is for the bars: a plain line has no area under it.
    const paths = linear(u, seriesIdx, idx0, idx1);
    return paths === null ? null : { ...paths, fill: null };
  }
  const yScale = u.series[seriesIdx].scale ?? 'y';
  const fill = new Path2D();
  const ratio = uPlot.pxRatio;
  let column = Number.NaN;
  let lo = 0;
  let hi = 0;
  const bar = (): void => {
    if (Number.isNaN(column)) return;
    const top = u.valToPos(hi, yScale, true);
    const bottom = u.valToPos(lo, yScale, true);
    // At least 1.5 CSS pixels thick, as the stroke it replaces.
    fill.rect(column, top - 0.75 * ratio, 1.5 * ratio, Math.max(1.5 * ratio, bottom - top + 1.5 * ratio));
  };
  scan(
    u,
    seriesIdx,
    idx0,
    idx1,
    (c, _px, y) => {
      if (c !== column) {
        bar();
        column = c;
        lo = hi = y;
      } else if (y < lo) lo = y;
      else if (y > hi) hi = y;
    },
    () => undefined,
  );
  bar();
  return { stroke: null, fill, clip: null, band: null, flags: 0 };
};
