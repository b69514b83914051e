// Training and evaluation curves drawn by uPlot: several runs overlaid, TensorBoard-style EMA
// smoothing (the raw curve faint behind the smoothed one), linear or log y, drag to zoom x and
// double-click to show everything, and a hover read-out of every run at the pointer's x. Curves
// longer than twice the plot's width are decimated first (decimate.ts: each pixel column keeps its
// minimum and maximum), re-decimated when the zoom window moves, so 100 runs × 100,000 steps stay
// smooth; the paths then fold what is left to one min/max segment per pixel column.

import uPlot from 'uplot';
import { Merged, alignCurves, mergeAscending } from './align';
import { columnBand, columnLine } from './columnLine';
import { decimateColumn, decimationGrid, trimGrid, type DecimationGrid } from './decimate';
import { ChartTheme, withAlpha } from './palette';
import { Series } from './series';
import { smoothEma } from './smoothing';
import { Tick, formatValue, linearTicks, logTicks } from './ticks';

export interface ChartLine {
  readonly label: string;
  readonly colour: string;
  readonly series: Series;
}

export interface CurveChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly logY: boolean;
  /** A logarithmic x axis (decades), e.g. for fractions of the labels; off when absent. */
  readonly logX?: boolean;
  readonly smoothing: number;
  /** Draw a dot at every point while they are sparse (for per-epoch evaluation). */
  readonly markers: boolean;
  readonly emptyText: string;
}

const HEIGHT = 234;
const TITLE_HEIGHT = 26;
/** Faintness of the raw curve behind a smoothed one. */
const RAW_ALPHA = 0.25;

interface Smoothed {
  length: number;
  revision: number;
  weight: number;
  values: Float64Array;
}

export class CurveChart {
  readonly element: HTMLDivElement;
  private readonly titleText: HTMLSpanElement;
  private readonly zoomNote: HTMLSpanElement;
  private readonly body: HTMLDivElement;
  private readonly empty: HTMLParagraphElement;
  private readonly tooltip: HTMLDivElement;
  private lines: readonly ChartLine[] = [];
  private options: CurveChartOptions;
  private theme: ChartTheme;
  private plot: uPlot | null = null;
  /** What the uPlot instance was built for; options it cannot change in place rebuild it. */
  private built = '';
  private readonly smoothed = new WeakMap<Series, Smoothed>();
  private readonly tickLabels: Map<number, string>[] = [new Map(), new Map()];
  private merged: { key: readonly Series[]; lengths: readonly number[]; revisions: readonly number[]; merged: Merged } | null = null;
  private zoomed = false;
  private frame = 0;
  /** The x window of the decimated data drawn now (and whether it was a zoom window); null when drawn exact. */
  private decimation: { readonly window: DecimationGrid['window']; readonly zoomed: boolean } | null = null;

  constructor(options: CurveChartOptions, theme: ChartTheme) {
    this.options = options;
    this.theme = theme;
    this.element = document.createElement('div');
    this.element.className = 'chart';
    this.titleText = document.createElement('span');
    this.titleText.className = 'chart-title';
    this.zoomNote = document.createElement('span');
    this.zoomNote.className = 'chart-note';
    this.zoomNote.textContent = 'zoomed · double-click to show all';
    this.zoomNote.hidden = true;
    const head = document.createElement('div');
    head.className = 'chart-head';
    head.append(this.titleText, this.zoomNote);
    this.body = document.createElement('div');
    this.body.className = 'chart-body';
    this.body.setAttribute('role', 'img');
    this.empty = document.createElement('p');
    this.empty.className = 'chart-empty';
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'chart-tooltip';
    this.tooltip.hidden = true;
    this.body.append(this.empty, this.tooltip);
    this.element.append(head, this.body);
    this.applyText();
    // Resizing in the next frame avoids a ResizeObserver loop when the chart changes the page's layout.
    new ResizeObserver(() => requestAnimationFrame(() => this.plot?.setSize(this.size()))).observe(this.element);
  }

  setLines(lines: readonly ChartLine[]): void {
    this.lines = lines;
    this.invalidate();
  }

  setOptions(options: Partial<CurveChartOptions>): void {
    this.options = { ...this.options, ...options };
    this.applyText();
    this.invalidate();
  }

  setTheme(theme: ChartTheme): void {
    this.theme = theme;
    this.built = '';
    this.invalidate();
  }

  /** Shows the whole x range again (e.g. after the x axis changed units). */
  resetZoom(): void {
    this.zoomed = false;
    this.invalidate();
  }

  /** The chart as one canvas (title and plot on the theme's background), for PNG export. */
  snapshot(): HTMLCanvasElement {
    this.plot?.setCursor({ left: -10, top: -10 });
    this.tooltip.hidden = true;
    const ratio = window.devicePixelRatio || 1;
    const source = this.plot?.ctx.canvas;
    const out = document.createElement('canvas');
    out.width = source?.width ?? Math.round(this.size().width * ratio);
    out.height = Math.round(TITLE_HEIGHT * ratio) + (source?.height ?? Math.round(HEIGHT * ratio));
    const ctx = out.getContext('2d');
    if (ctx === null) return out;
    ctx.fillStyle = this.theme.background;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.scale(ratio, ratio);
    ctx.font = this.theme.font;
    ctx.fillStyle = this.theme.foreground;
    ctx.textBaseline = 'middle';
    ctx.fillText(this.options.title, 8, TITLE_HEIGHT / 2);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    if (source !== undefined) ctx.drawImage(source, 0, Math.round(TITLE_HEIGHT * ratio));
    return out;
  }

  /** Redraw on the next animation frame (many appends coalesce into one draw). */
  invalidate(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Rebuilds the data and draws now. */
  draw(): void {
    const visible = this.lines.filter((l) => l.series.length > 0);
    this.empty.hidden = visible.length > 0;
    if (visible.length === 0) {
      this.destroyPlot();
      return;
    }
    const smoothing = this.options.smoothing > 0;
    const columns = visible.flatMap((line) => (smoothing ? [line.series.ys.values, this.smoothedValues(line)] : [line.series.ys.values]));
    const lengths = visible.map((l) => l.series.length);
    const buckets = this.buckets();
    const data = visible.some((l) => l.series.length > 2 * buckets) ? this.decimated(visible, columns, smoothing ? 2 : 1, buckets) : this.exact(visible, lengths, columns, smoothing ? 2 : 1);
    const shape = JSON.stringify([this.options.xLabel, this.options.logY, this.options.logX === true, smoothing, this.options.markers, visible.map((l) => [l.label, l.colour])]);
    if (this.plot === null || shape !== this.built) {
      this.destroyPlot();
      this.built = shape;
      this.plot = new uPlot(this.plotOptions(visible, smoothing), data, this.body);
      this.zoomed = false;
      return;
    }
    const plot = this.plot;
    if (!this.zoomed) {
      plot.setData(data, true);
      return;
    }
    // Keep the dragged-out x window through live appends; y re-fits to the points inside it.
    const { min, max } = plot.scales.x;
    plot.setData(data, false);
    if (min !== undefined && max !== undefined) plot.setScale('x', { min, max });
  }

  /** One bucket per CSS pixel of the plot's width (the axis takes about 60). */
  private buckets(): number {
    return Math.max(64, this.size().width - 60);
  }

  private exact(visible: readonly ChartLine[], lengths: readonly number[], columns: readonly Float64Array[], perLine: number): uPlot.AlignedData {
    this.decimation = null;
    return alignCurves(this.merge(visible), lengths, columns, perLine, this.options.logY);
  }

  /**
   * Lines longer than twice the bucket count on the decimation grid (full resolution inside the
   * zoom window), the others at their own x values, merged onto one x array.
   */
  private decimated(visible: readonly ChartLine[], columns: readonly Float64Array[], perLine: number, buckets: number): uPlot.AlignedData {
    const first = (l: ChartLine): number => l.series.xs.at(0);
    const last = (l: ChartLine): number => l.series.xs.at(l.series.length - 1);
    const lo = Math.min(...visible.map(first));
    const hi = Math.max(...visible.map(last));
    const scale = this.plot?.scales.x;
    const window = this.zoomed && scale?.min !== undefined && scale.max !== undefined ? { min: scale.min, max: scale.max } : { min: lo, max: hi };
    const grid = decimationGrid(lo, hi, buckets, window);
    // The window asked for (not clamped to the data), so the scale hook recognises it.
    this.decimation = { window, zoomed: this.zoomed };
    const logY = this.options.logY;
    const drawable = (y: number): boolean => Number.isFinite(y) && (!logY || y > 0);
    const dense = visible.map((l) => l.series.length > 2 * buckets);
    const onGrid = trimGrid(grid, columns.flatMap((ys, c) => {
      const line = visible[Math.floor(c / perLine)];
      return dense[Math.floor(c / perLine)] ? [decimateColumn(line.series.xs.values, ys, line.series.length, grid, logY)] : [];
    }));
    const sparse = visible.filter((_, i) => !dense[i]);
    const merged = mergeAscending([onGrid.xs, ...sparse.map((l) => l.series.xs.values)], [onGrid.xs.length, ...sparse.map((l) => l.series.length)]);
    const gridSlots = merged.slots[0];
    let denseColumn = 0;
    let sparseLine = 0;
    const out = visible.flatMap((line, i) => {
      const own = columns.slice(i * perLine, (i + 1) * perLine);
      if (dense[i]) {
        return own.map(() => {
          const values = onGrid.columns[denseColumn++];
          const aligned: (number | null | undefined)[] = new Array(merged.union.length);
          for (let j = 0; j < values.length; j++) aligned[gridSlots[j]] = values[j];
          return aligned;
        });
      }
      const slots = merged.slots[1 + sparseLine++];
      return own.map((ys) => {
        const aligned: (number | null | undefined)[] = new Array(merged.union.length);
        for (let j = 0; j < line.series.length; j++) aligned[slots[j]] = drawable(ys[j]) ? ys[j] : null;
        return aligned;
      });
    });
    return [merged.union, ...out];
  }

  private applyText(): void {
    this.titleText.textContent = this.options.title;
    this.body.setAttribute('aria-label', this.options.title);
    this.empty.textContent = this.options.emptyText;
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(200, Math.floor(this.element.clientWidth)), height: HEIGHT };
  }

  private destroyPlot(): void {
    this.plot?.destroy();
    this.plot = null;
    this.tooltip.hidden = true;
    this.zoomNote.hidden = true;
  }

  /** The lines' merged x values, kept until a line grows, shrinks or is refilled. */
  private merge(visible: readonly ChartLine[]): Merged {
    const key = visible.map((l) => l.series);
    const same = this.merged !== null && this.merged.key.length === key.length && this.merged.key.every((s, i) => s === key[i] && this.merged?.lengths[i] === s.length && this.merged.revisions[i] === s.revision);
    if (!same || this.merged === null) {
      const merged = visible.length === 1 ? single(visible[0].series) : mergeAscending(visible.map((l) => l.series.xs.values), visible.map((l) => l.series.length));
      this.merged = { key, lengths: key.map((s) => s.length), revisions: key.map((s) => s.revision), merged };
    }
    return this.merged.merged;
  }

  private smoothedValues(line: ChartLine): Float64Array {
    const { series } = line;
    const weight = this.options.smoothing;
    let cached = this.smoothed.get(series);
    if (!cached || cached.length !== series.length || cached.weight !== weight || cached.revision !== series.revision) {
      const values = cached && cached.values.length >= series.length ? cached.values : new Float64Array(series.ys.values.length);
      smoothEma(series.ys.values.subarray(0, series.length), weight, values.subarray(0, series.length));
      cached = { length: series.length, revision: series.revision, weight, values };
      this.smoothed.set(series, cached);
    }
    return cached.values;
  }

  private plotOptions(visible: readonly ChartLine[], smoothing: boolean): uPlot.Options {
    const { logY, markers } = this.options;
    // Theme changes rebuild the plot (setTheme), so colours are read once here.
    const theme = this.theme;
    const grid = withAlpha(theme.grid, 0.5);
    const series: uPlot.Series[] = [{ label: this.options.xLabel }];
    // Dots only while there is room for them (a dense curve reads better as a line), on the
    // smoothed values when there are any.
    const dots = (on: boolean, colour: string): uPlot.Series.Points => ({
      show: (u, _si, i0, i1) => on && markers && i1 - i0 <= u.bbox.width / uPlot.pxRatio / 3,
      size: 5,
      fill: colour,
      stroke: colour,
    });
    for (const line of visible) {
      series.push({
        label: line.label,
        stroke: line.colour,
        width: smoothing ? 1 : 1.5,
        alpha: smoothing ? RAW_ALPHA : 1,
        spanGaps: false,
        paths: columnBand,
        fill: line.colour,
        points: dots(!smoothing, line.colour),
      });
      if (smoothing) series.push({ label: `${line.label} (smoothed)`, stroke: line.colour, width: 1.5, spanGaps: false, paths: columnLine, points: dots(true, line.colour) });
    }
    const rawSeries = (i: number): boolean => smoothing && i % 2 === 1;
    const axis = (index: 0 | 1, label: string): uPlot.Axis => ({
      label,
      stroke: theme.muted,
      font: theme.font,
      labelFont: theme.font,
      labelSize: index === 0 ? 14 : 0,
      labelGap: 0,
      size: index === 0 ? 24 : 54,
      gap: 4,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1, size: 4 },
      splits: (u, _axisIdx, min, max) => this.splits(index, u, min, max),
      values: (_u, splits) => splits.map((v) => this.tickLabels[index].get(v) ?? formatValue(v)),
    });
    return {
      ...this.size(),
      legend: { show: false },
      padding: [8, 14, 0, 0],
      scales: {
        x: this.options.logX === true
          ? { time: false, distr: 3, log: 10, range: (_u, min, max) => (min === max ? [min / 2, max * 2] : [min, max]) }
          : { time: false, range: (_u, min, max) => (min === max ? [min - 0.5, max + 0.5] : [min, max]) },
        y: logY ? { distr: 3, log: 10, range: (_u, min, max) => padRange(min, max, true) } : { range: (_u, min, max) => padRange(min, max, false) },
      },
      axes: [axis(0, this.options.xLabel), axis(1, '')],
      series,
      cursor: {
        drag: { x: true, y: false, setScale: true },
        points: { size: (_u, i) => (rawSeries(i) ? 0 : 7), fill: (_u, i) => lineOf(visible, smoothing, i).colour },
      },
      hooks: {
        // The plot's frame, in the grid colour at full strength.
        draw: [
          (u) => {
            const { left, top, width, height } = u.bbox;
            u.ctx.save();
            u.ctx.strokeStyle = theme.grid;
            u.ctx.lineWidth = 1;
            u.ctx.strokeRect(left + 0.5, top + 0.5, width - 1, height - 1);
            u.ctx.restore();
          },
        ],
        setCursor: [(u) => this.showReadout(u, visible, smoothing)],
        setScale: [
          (u, key) => {
            if (key !== 'x') return;
            const xs = u.data[0];
            const full = xs.length === 0 || ((u.scales.x.min ?? 0) <= xs[0] && (u.scales.x.max ?? 0) >= xs[xs.length - 1]);
            this.zoomed = !full;
            this.zoomNote.hidden = full;
            // Decimated data is re-cut for a new zoom window, and back to the whole range when zoomed out.
            const cut = this.decimation;
            if (cut !== null && (this.zoomed ? !sameWindow(u.scales.x, cut.window) : cut.zoomed)) this.invalidate();
          },
        ],
      },
    };
  }

  /** Tick positions from ticks.ts ("nice" linear steps, decades on a log axis), labelled to match. */
  private splits(index: 0 | 1, u: uPlot, min: number, max: number): number[] {
    const pixels = index === 0 ? u.bbox.width / uPlot.pxRatio : u.bbox.height / uPlot.pxRatio;
    const target = Math.max(2, Math.floor(pixels / (index === 0 ? 90 : 36)));
    const log = index === 1 ? this.options.logY : this.options.logX === true;
    const ticks: Tick[] = log ? logTicks(min, max, target) : linearTicks(min, max, target);
    this.tickLabels[index] = new Map(ticks.map((t) => [t.value, t.label]));
    return ticks.map((t) => t.value);
  }

  /** One row per run at the pointer's x: the smoothed value (and the raw one) and where it is. */
  private showReadout(u: uPlot, visible: readonly ChartLine[], smoothing: boolean): void {
    const left = u.cursor.left ?? -1;
    if (left < 0 || u.cursor.idx === null || u.cursor.idx === undefined) {
      this.tooltip.hidden = true;
      return;
    }
    const rows: string[] = [];
    let anchor = left;
    visible.forEach((curve, n) => {
      const rawIndex = smoothing ? 1 + 2 * n : 1 + n;
      const i = u.cursor.idxs?.[rawIndex];
      if (i === null || i === undefined) return;
      const raw = u.data[rawIndex][i];
      const x = u.data[0][i];
      if (raw === null || raw === undefined) return;
      anchor = u.valToPos(x, 'x');
      const smooth = smoothing ? u.data[rawIndex + 1][i] : raw;
      const value = smoothing && smooth !== null && smooth !== undefined ? `${formatValue(smooth)} (raw ${formatValue(raw)})` : formatValue(raw);
      // Decimated points sit at shared x positions within a pixel of the real ones.
      rows.push(`${curve.label}: ${value} @ ${this.options.xLabel} ${formatValue(x)}`);
    });
    this.tooltip.replaceChildren(
      ...rows.map((row) => {
        const div = document.createElement('div');
        div.textContent = row;
        return div;
      }),
    );
    this.tooltip.hidden = rows.length === 0;
    const plotLeft = u.over.offsetLeft;
    const tipWidth = this.tooltip.offsetWidth || 300;
    const x = plotLeft + anchor;
    this.tooltip.style.left = `${x + 12 + tipWidth > this.body.clientWidth ? Math.max(0, x - 12 - tipWidth) : x + 12}px`;
    this.tooltip.style.top = `${u.over.offsetTop + 4}px`;
  }
}

function lineOf(visible: readonly ChartLine[], smoothing: boolean, seriesIndex: number): ChartLine {
  return visible[Math.floor((seriesIndex - 1) / (smoothing ? 2 : 1))];
}

/** The scale shows (within a millionth of its span) the window the data was decimated for. */
function sameWindow(scale: uPlot.Scale, window: DecimationGrid['window']): boolean {
  const tolerance = 1e-6 * Math.max(1e-12, window.max - window.min);
  return scale.min !== undefined && scale.max !== undefined && Math.abs(scale.min - window.min) <= tolerance && Math.abs(scale.max - window.max) <= tolerance;
}

/** One line needs no merging: the union is its own x values. */
function single(series: Series): Merged {
  return { union: series.xs.values.subarray(0, series.length), slots: [], prefix: [true] };
}

/** 5 % headroom above and below (a factor on a log axis); a flat curve gets a visible band. */
function padRange(min: number | null, max: number | null, log: boolean): uPlot.Range.MinMax {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return log ? [0.1, 1] : [0, 1];
  if (max === min) {
    const pad = log ? min * 0.5 : Math.max(Math.abs(min) * 0.1, 0.5);
    return [min - pad, max + pad];
  }
  if (log) {
    const pad = Math.pow(max / min, 0.05);
    return [min / pad, max * pad];
  }
  const pad = (max - min) * 0.05;
  return [min - pad, max + pad];
}
