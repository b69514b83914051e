// A canvas line chart for training curves: several series, EMA smoothing (raw drawn faintly
// behind), linear or log y, min/max decimation to the plot's pixel width, and a hover read-out.

import { columnEnvelope, decimateMinMax, lowerBound, nearestIndex, upperBound } from './decimate';
import { ChartTheme } from './palette';
import { Series } from './series';
import { smoothEma } from './smoothing';
import { Tick, formatValue, linearTicks, logTicks } from './ticks';

export interface ChartLine {
  readonly label: string;
  readonly colour: string;
  readonly series: Series;
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly logY: boolean;
  readonly smoothing: number;
  /** Draw a dot at every point (for sparse series such as per-epoch evaluation). */
  readonly markers: boolean;
  readonly emptyText: string;
}

const MARGIN = { left: 58, right: 14, top: 26, bottom: 34 };
const HEIGHT = 260;

/** The plot's data ranges and data → pixel mappings for one draw. */
interface Frame {
  readonly xMin: number;
  readonly xMax: number;
  readonly plotW: number;
  readonly plotH: number;
  readonly sx: (x: number) => number;
  readonly sy: (y: number) => number;
}

interface Smoothed {
  length: number;
  revision: number;
  weight: number;
  values: Float64Array;
}

export class LineChart {
  readonly element: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLDivElement;
  private lines: readonly ChartLine[] = [];
  private options: LineChartOptions;
  private theme: ChartTheme;
  private smoothed = new WeakMap<Series, Smoothed>();
  /** Pointer position over the plot in CSS pixels; kept in pixels so zooms and live appends re-read the point under it. */
  private hoverPx: number | null = null;
  /** The x window the user dragged out, or null to show everything. */
  private zoom: [number, number] | null = null;
  /** A drag in progress, in CSS pixels from the canvas's left edge. */
  private drag: { start: number; current: number | null } | null = null;
  private frame = 0;
  private cssWidth = 600;
  private xRange: [number, number] = [0, 1];

  constructor(options: LineChartOptions, theme: ChartTheme) {
    this.options = options;
    this.theme = theme;
    this.element = document.createElement('div');
    this.element.className = 'chart';
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', options.title);
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'chart-tooltip';
    this.tooltip.hidden = true;
    this.element.append(this.canvas, this.tooltip);
    this.canvas.addEventListener('mousemove', (e) => this.onHover(e));
    this.canvas.addEventListener('mousedown', (e) => {
      const px = this.canvasX(e);
      if (e.button === 0 && px >= MARGIN.left && px <= this.cssWidth - MARGIN.right) this.drag = { start: px, current: null };
    });
    window.addEventListener('mouseup', (e) => this.endDrag(e));
    this.canvas.addEventListener('dblclick', () => {
      this.zoom = null;
      this.invalidate();
    });
    this.canvas.addEventListener('mouseleave', () => {
      this.hoverPx = null;
      this.tooltip.hidden = true;
      this.invalidate();
    });
    // Resizing in the next frame avoids a ResizeObserver loop when the canvas changes the page's layout.
    new ResizeObserver(() => requestAnimationFrame(() => this.resize())).observe(this.element);
  }

  setLines(lines: readonly ChartLine[]): void {
    this.lines = lines;
    this.invalidate();
  }

  setOptions(options: Partial<LineChartOptions>): void {
    this.options = { ...this.options, ...options };
    this.canvas.setAttribute('aria-label', this.options.title);
    this.invalidate();
  }

  setTheme(theme: ChartTheme): void {
    this.theme = theme;
    this.invalidate();
  }

  /** Shows the whole x range again (e.g. after the x axis changed units). */
  resetZoom(): void {
    this.zoom = null;
    this.invalidate();
  }

  /** Drops the hover read-out and redraws now, e.g. before the canvas is exported. */
  clearHover(): void {
    this.hoverPx = null;
    this.tooltip.hidden = true;
    this.draw();
  }

  /** Redraw on the next animation frame (many appends coalesce into one draw). */
  invalidate(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private resize(): void {
    const width = Math.max(200, Math.floor(this.element.clientWidth));
    if (width === this.cssWidth && this.canvas.width > 0) return;
    this.cssWidth = width;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(HEIGHT * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${HEIGHT}px`;
    this.draw();
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

  draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const ratio = this.canvas.width / this.cssWidth;
    const width = this.cssWidth;
    const plotW = width - MARGIN.left - MARGIN.right;
    const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
    const { theme, options } = this;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, width, HEIGHT);
    ctx.font = theme.font;
    ctx.fillStyle = theme.foreground;
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left';
    ctx.fillText(options.title, MARGIN.left, 15);

    const visible = this.lines.filter((l) => l.series.length > 0);
    if (visible.length === 0) {
      ctx.fillStyle = theme.muted;
      ctx.textAlign = 'center';
      ctx.fillText(options.emptyText, MARGIN.left + plotW / 2, MARGIN.top + plotH / 2);
      return;
    }

    // Ranges: x over all points (or the zoomed window), y over the raw values in that x range
    // (log: positive values only).
    let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
    for (const line of visible) {
      xMin = Math.min(xMin, line.series.xs.at(0));
      xMax = Math.max(xMax, line.series.xs.at(line.series.length - 1));
    }
    if (this.zoom !== null) [xMin, xMax] = this.zoom;
    for (const line of visible) {
      const { xs, ys } = line.series;
      const values = ys.values;
      const end = upperBound(xs.values, line.series.length, xMax);
      for (let i = lowerBound(xs.values, line.series.length, xMin); i < end; i++) {
        const y = values[i];
        if (!Number.isFinite(y) || (options.logY && y <= 0)) continue;
        if (y < yMin) yMin = y;
        if (y > yMax) yMax = y;
      }
    }
    if (xMax === xMin) { xMin -= 0.5; xMax += 0.5; }
    if (!Number.isFinite(yMin)) { yMin = options.logY ? 0.1 : 0; yMax = options.logY ? 1 : 1; }
    if (yMax === yMin) {
      const pad = options.logY ? yMin * 0.5 : Math.max(Math.abs(yMin) * 0.1, 0.5);
      yMin = options.logY ? yMin - pad : yMin - pad;
      yMax += pad;
    } else if (options.logY) {
      const pad = Math.pow(yMax / yMin, 0.05);
      yMin /= pad;
      yMax *= pad;
    } else {
      const pad = (yMax - yMin) * 0.05;
      yMin -= pad;
      yMax += pad;
    }
    this.xRange = [xMin, xMax];
    const ly = (y: number): number => (options.logY ? Math.log10(y) : y);
    const lyMin = ly(yMin), lyMax = ly(yMax);
    const sx = (x: number): number => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotW;
    const sy = (y: number): number => MARGIN.top + plotH - ((ly(y) - lyMin) / (lyMax - lyMin)) * plotH;

    // Grid and axes.
    const xTicks = linearTicks(xMin, xMax, Math.max(2, Math.floor(plotW / 90)));
    const yTicks: Tick[] = options.logY ? logTicks(yMin, yMax, Math.max(2, Math.floor(plotH / 40))) : linearTicks(yMin, yMax, Math.max(2, Math.floor(plotH / 40)));
    ctx.strokeStyle = theme.grid;
    ctx.lineWidth = 1;
    ctx.globalAlpha = 0.5;
    ctx.beginPath();
    for (const t of xTicks) { const x = Math.round(sx(t.value)) + 0.5; ctx.moveTo(x, MARGIN.top); ctx.lineTo(x, MARGIN.top + plotH); }
    for (const t of yTicks) { const y = Math.round(sy(t.value)) + 0.5; ctx.moveTo(MARGIN.left, y); ctx.lineTo(MARGIN.left + plotW, y); }
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.strokeRect(MARGIN.left + 0.5, MARGIN.top + 0.5, plotW, plotH);
    ctx.fillStyle = theme.muted;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of xTicks) ctx.fillText(t.label, sx(t.value), MARGIN.top + plotH + 5);
    ctx.fillText(options.xLabel, MARGIN.left + plotW / 2, MARGIN.top + plotH + 19);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of yTicks) ctx.fillText(t.label, MARGIN.left - 6, sy(t.value));

    // Curves, clipped to the plot.
    ctx.save();
    ctx.beginPath();
    ctx.rect(MARGIN.left, MARGIN.top, plotW, plotH);
    ctx.clip();
    const smoothing = options.smoothing > 0;
    const frame: Frame = { xMin, xMax, plotW, plotH, sx, sy };
    for (const line of visible) {
      const { xs, ys } = line.series;
      ctx.strokeStyle = line.colour;
      ctx.fillStyle = line.colour;
      if (smoothing) {
        ctx.globalAlpha = 0.25;
        this.drawCurve(ctx, xs.values, ys.values, line.series.length, frame, { band: true, line: false });
        ctx.globalAlpha = 1;
        this.drawCurve(ctx, xs.values, this.smoothedValues(line), line.series.length, frame, { band: false, line: true });
      } else {
        this.drawCurve(ctx, xs.values, ys.values, line.series.length, frame, { band: true, line: true });
      }
      if (options.markers && line.series.length <= plotW / 3) {
        ctx.fillStyle = line.colour;
        const values = smoothing ? this.smoothedValues(line) : ys.values;
        for (let i = 0; i < line.series.length; i++) {
          const y = values[i];
          if (!Number.isFinite(y) || (options.logY && y <= 0)) continue;
          ctx.beginPath();
          ctx.arc(sx(xs.at(i)), sy(y), 2.5, 0, Math.PI * 2);
          ctx.fill();
        }
      }
    }
    this.drawHover(ctx, visible, sx, sy, plotH);
    if (this.drag !== null && this.drag.current !== null) {
      const clamp = (px: number): number => Math.min(Math.max(px, MARGIN.left), MARGIN.left + plotW);
      const left = clamp(Math.min(this.drag.start, this.drag.current)), right = clamp(Math.max(this.drag.start, this.drag.current));
      ctx.fillStyle = theme.foreground;
      ctx.globalAlpha = 0.12;
      ctx.fillRect(left, MARGIN.top, right - left, plotH);
      ctx.globalAlpha = 1;
    }
    ctx.restore();
    if (this.zoom !== null) {
      ctx.fillStyle = theme.muted;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'alphabetic';
      ctx.fillText('zoomed · double-click to show all', MARGIN.left + plotW, 15);
    }
  }

  /**
   * Sparse views draw every point as a polyline. Dense views draw one bar per pixel column from the
   * column's minimum to its maximum (`band`, so spikes show) and a line through each column's last
   * value (`line`); rasterising that is far cheaper than a zig-zag through every extreme.
   */
  private drawCurve(ctx: CanvasRenderingContext2D, xs: Float64Array, ys: Float64Array, count: number, f: Frame, style: { band: boolean; line: boolean }): void {
    const columns = Math.max(1, Math.floor(f.plotW));
    const inView = upperBound(xs, count, f.xMax) - lowerBound(xs, count, f.xMin);
    const logY = this.options.logY;
    ctx.lineWidth = 1.5;
    ctx.lineJoin = 'bevel';
    if (inView <= columns * 2) {
      const line = decimateMinMax(xs, ys, count, f.xMin, f.xMax, columns);
      this.polyline(ctx, line.xs, line.ys, line.length, f);
      return;
    }
    const env = columnEnvelope(xs, ys, count, f.xMin, f.xMax, columns);
    if (style.band) {
      const bottom = MARGIN.top + f.plotH;
      for (let c = 0; c < columns; c++) {
        const hi = env.max[c];
        if (Number.isNaN(hi) || (logY && hi <= 0)) continue;
        const lo = env.min[c];
        const top = f.sy(hi);
        const low = logY && lo <= 0 ? bottom : f.sy(lo);
        ctx.fillRect(MARGIN.left + c, top - 0.75, 1.5, Math.max(1.5, low - top + 1.5));
      }
    }
    if (style.line) this.polyline(ctx, env.lastX, env.last, columns, f);
  }

  private polyline(ctx: CanvasRenderingContext2D, xs: Float64Array, ys: Float64Array, count: number, f: Frame): void {
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < count; i++) {
      const y = ys[i];
      if (Number.isNaN(y) || Number.isNaN(xs[i])) continue;
      if (this.options.logY && y <= 0) {
        pen = false;
        continue;
      }
      const px = f.sx(xs[i]), py = f.sy(y);
      if (pen) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
      pen = true;
    }
    ctx.stroke();
  }

  private drawHover(ctx: CanvasRenderingContext2D, visible: readonly ChartLine[], sx: (x: number) => number, sy: (y: number) => number, plotH: number): void {
    if (this.hoverPx === null) return;
    const x = this.toDataX(this.hoverPx);
    const rows: string[] = [];
    let anchorX = sx(x);
    for (const line of visible) {
      const { xs, ys } = line.series;
      const i = nearestIndex(xs.values, line.series.length, x);
      if (i < 0) continue;
      const raw = ys.at(i);
      const smooth = this.options.smoothing > 0 ? this.smoothedValues(line)[i] : raw;
      anchorX = sx(xs.at(i));
      if (Number.isFinite(smooth) && !(this.options.logY && smooth <= 0)) {
        ctx.fillStyle = line.colour;
        ctx.beginPath();
        ctx.arc(anchorX, sy(smooth), 3.5, 0, Math.PI * 2);
        ctx.fill();
      }
      const value = this.options.smoothing > 0 ? `${formatValue(smooth)} (raw ${formatValue(raw)})` : formatValue(raw);
      rows.push(`${line.label}: ${value} @ ${this.options.xLabel} ${formatValue(xs.at(i))}`);
    }
    ctx.strokeStyle = this.theme.muted;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(Math.round(anchorX) + 0.5, MARGIN.top);
    ctx.lineTo(Math.round(anchorX) + 0.5, MARGIN.top + plotH);
    ctx.stroke();
    ctx.setLineDash([]);
    this.tooltip.textContent = '';
    for (const row of rows) {
      const div = document.createElement('div');
      div.textContent = row;
      this.tooltip.append(div);
    }
    this.tooltip.hidden = rows.length === 0;
    const tipWidth = this.tooltip.offsetWidth || 300;
    const left = anchorX + 12 + tipWidth > this.cssWidth ? Math.max(0, anchorX - 12 - tipWidth) : anchorX + 12;
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${MARGIN.top + 4}px`;
  }

  private canvasX(event: MouseEvent): number {
    return event.clientX - this.canvas.getBoundingClientRect().left;
  }

  private toDataX(px: number): number {
    const plotW = this.cssWidth - MARGIN.left - MARGIN.right;
    const [xMin, xMax] = this.xRange;
    const clamped = Math.min(Math.max(px, MARGIN.left), MARGIN.left + plotW);
    return xMin + ((clamped - MARGIN.left) / plotW) * (xMax - xMin);
  }

  /** Drag across the plot to zoom into that x range (a click without a drag does nothing). */
  private endDrag(event: MouseEvent): void {
    if (this.drag === null) return;
    const { start } = this.drag;
    this.drag = null;
    const end = this.canvasX(event);
    if (Math.abs(end - start) >= 6) {
      const a = this.toDataX(start), b = this.toDataX(end);
      this.zoom = [Math.min(a, b), Math.max(a, b)];
    }
    this.invalidate();
  }

  private onHover(event: MouseEvent): void {
    const px = this.canvasX(event);
    if (this.drag !== null && (event.buttons & 1) === 1) this.drag.current = px;
    const plotW = this.cssWidth - MARGIN.left - MARGIN.right;
    if (px < MARGIN.left || px > MARGIN.left + plotW) {
      this.hoverPx = null;
      this.tooltip.hidden = true;
    } else {
      this.hoverPx = px;
    }
    this.invalidate();
  }
}
