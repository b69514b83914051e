// A uPlot path builder for smoothed curves: one vertex per pixel column, at the column's last
// value. uPlot's own linear paths keep each column's minimum and maximum, right for raw data (spikes
// stay visible) but a smoothed curve drawn that way is a band, not the line TensorBoard shows.

import uPlot from 'uplot';

export const columnLine: uPlot.Series.PathBuilder = (u, seriesIdx, idx0, idx1) => {
  const xs = u.data[0];
  const ys = u.data[seriesIdx];
  const yScale = u.series[seriesIdx].scale ?? 'y';
  const stroke = new Path2D();
  let column = Number.NaN;
  let lastX = 0;
  let lastY = 0;
  let pending = false;
  let pen = false;
  const flush = (): void => {
    if (!pending) return;
    if (pen) stroke.lineTo(lastX, lastY);
    else stroke.moveTo(lastX, lastY);
    pen = true;
    pending = false;
  };
  for (let i = idx0; i <= idx1; i++) {
    const y = ys[i];
    if (y === undefined) continue; // another run's point: draw across it
    if (y === null) {
      flush();
      pen = false; // this run's own gap
      continue;
    }
    const px = u.valToPos(xs[i], 'x', true);
    const c = Math.floor(px);
    if (c !== column) {
      flush();
      column = c;
    }
    lastX = px;
    lastY = u.valToPos(y, yScale, true);
    pending = true;
  }
  flush();
  return { stroke, fill: null, clip: null, band: null, flags: 0 };
};
