// The parameter → result plots above the experiments table, drawn as SVG (a few thousand runs at
// most): a scatter of one column against another, coloured by a third, and parallel coordinates
// over chosen columns. Linked to the table: a click picks a run (Ctrl/Cmd toggles, Shift adds), a
// drag picks every point in a rectangle (scatter) or every line through a stretch of an axis
// (parallel); the table's selection is highlighted here. Filtered-out runs are not in the data.
// Keyboard: the plot takes focus (Tab); arrows move between runs (plotKeys.ts), Enter selects the
// focused run (Shift+Enter adds it), Space toggles it, Escape leaves the runs.
import { el } from '../shared/dom';
import { categoricalColours, readChartTheme } from '../shared/palette';
import {
  axisTicks, linesThrough, pointsIn, sequentialColour, valueLabel, type Axis, type ParallelData, type PointColour, type ScatterData,
} from './plotData';
import { ARROWS, stepLine, stepPoint } from './plotKeys';
import type { PlotColumn } from './protocol';

const SVG_NS = 'http://www.w3.org/2000/svg';
const HEIGHT = 280;
const POINT_RADIUS = 4;
/** A pointer that moves less than this between press and release clicked. */
const DRAG_PX = 4;
const MAX_LEGEND_ITEMS = 12;
/** Points at the ends of an axis sit this far inside the frame, so they can be clicked and brushed whole. */
const INSET_PX = 8;

export type PickMode = 'replace' | 'add' | 'toggle';

export interface PlotEvents {
  pick(keys: readonly string[], mode: PickMode): void;
}

/** What a tooltip needs: the run names and the plotted columns with their values, by row. */
export interface PlotRows {
  readonly names: readonly string[];
  readonly columns: readonly PlotColumn[];
}

type Shown =
  | { readonly kind: 'scatter'; readonly data: ScatterData; readonly x: PlotColumn; readonly y: PlotColumn; readonly colour: PlotColumn | null; readonly rows: PlotRows }
  | { readonly kind: 'parallel'; readonly data: ParallelData; readonly columns: readonly PlotColumn[]; readonly colour: PlotColumn | null; readonly colourAxis: Axis | null; readonly colours: readonly PointColour[]; readonly rows: PlotRows };

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Readonly<Record<string, string | number>> = {}, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A small, stable offset in [-0.5, 0.5) per row, so runs sharing a category do not hide one another. */
function jitter(row: number): number {
  const h = Math.imul(row + 1, 2654435761) >>> 0;
  return (h % 1000) / 1000 - 0.5;
}

function truncate(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

export class PlotView {
  readonly element: HTMLDivElement;
  private readonly svg = svgEl('svg', { class: 'plot-svg', role: 'img' });
  private readonly legend = el('div', { className: 'plot-legend' });
  private readonly note = el('span', { className: 'muted plot-note' });
  private readonly marks = new Map<string, SVGElement>();
  /** The run the keyboard is on, and what is said about it (its tooltip text). */
  private cursor: string | null = null;
  private readonly focusNote = el('span', { className: 'plot-focus', attrs: { 'aria-live': 'polite' } });
  private shown: Shown | null = null;
  private selected: ReadonlySet<string> = new Set();
  private width = 600;
  private drag: { x: number; y: number; key: string | null; moved: boolean; box: SVGRectElement | null } | null = null;
  /** Pixel geometry of the last drawing, for brushing. */
  private frame = { left: 0, top: 0, width: 1, height: 1, axisX: [] as number[] };

  constructor(private readonly events: PlotEvents) {
    this.element = el('div', { className: 'plot', attrs: { 'aria-label': 'Parameter and result plot' } });
    this.element.append(this.svg, el('div', { className: 'plot-footer' }, [this.legend, this.focusNote, this.note]));
    this.svg.setAttribute('tabindex', '0');
    this.svg.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => requestAnimationFrame(() => {
      const width = this.element.clientWidth;
      if (width > 0 && width !== this.width) {
        this.width = width;
        this.draw();
      }
    })).observe(this.element);
    this.svg.addEventListener('pointerdown', (e) => this.onDown(e));
    this.svg.addEventListener('pointermove', (e) => this.onMove(e));
    this.svg.addEventListener('pointerup', (e) => this.onUp(e));
  }

  showScatter(data: ScatterData, x: PlotColumn, y: PlotColumn, colour: PlotColumn | null, rows: PlotRows): void {
    this.shown = { kind: 'scatter', data, x, y, colour, rows };
    this.draw();
  }

  showParallel(data: ParallelData, columns: readonly PlotColumn[], colour: PlotColumn | null, colourAxis: Axis | null, colours: readonly PointColour[], rows: PlotRows): void {
    this.shown = { kind: 'parallel', data, columns, colour, colourAxis, colours, rows };
    this.draw();
  }

  /** Nothing to draw, and why (shown in place of the plot). */
  showMessage(text: string): void {
    this.shown = null;
    this.marks.clear();
    this.svg.replaceChildren();
    this.svg.setAttribute('height', '0');
    this.legend.replaceChildren();
    this.note.textContent = text;
  }

  setSelection(keys: ReadonlySet<string>): void {
    this.selected = keys;
    this.svg.classList.toggle('has-selection', keys.size > 0);
    for (const [key, mark] of this.marks) {
      const on = keys.has(key);
      mark.classList.toggle('selected', on);
      // Selected marks drawn last, on top of the others.
      if (on) mark.parentNode?.appendChild(mark);
    }
  }

  private colourFill(colour: PointColour, palette: readonly string[]): string | null {
    if (colour === null) return null;
    return 'category' in colour ? palette[colour.category % palette.length]! : sequentialColour(colour.t);
  }

  private draw(): void {
    this.marks.clear();
    const shown = this.shown;
    if (shown === null) return;
    this.width = Math.max(240, this.element.clientWidth || this.width);
    this.svg.setAttribute('width', String(this.width));
    this.svg.setAttribute('height', String(HEIGHT));
    this.svg.setAttribute('viewBox', `0 0 ${this.width} ${HEIGHT}`);
    const colourAxis = shown.kind === 'scatter' ? shown.data.colour : shown.colourAxis;
    const palette = colourAxis?.kind === 'categorical' ? categoricalColours(Math.min(colourAxis.categories.length, 24), readChartTheme().dark) : [];
    if (shown.kind === 'scatter') this.drawScatter(shown, palette);
    else this.drawParallel(shown, palette);
    this.showCursor();
    this.drawLegend(shown.colour, colourAxis, palette);
    this.setSelection(this.selected);
  }

  private tooltip(rows: PlotRows, row: number, axes: readonly (Axis | null)[]): string {
    const lines = [rows.names[row] ?? ''];
    rows.columns.forEach((c, i) => {
      const axis = axes[i] ?? null;
      const value = c.values[row] ?? null;
      lines.push(`${c.title}: ${axis === null ? String(value ?? '—') : valueLabel(axis, value)}`);
    });
    return lines.join('\n');
  }

  private drawScatter(shown: Extract<Shown, { kind: 'scatter' }>, palette: readonly string[]): void {
    const { data } = shown;
    const yLabels = axisTicks(data.y, 5);
    const left = Math.min(160, 16 + 6.5 * Math.max(4, ...yLabels.map((t) => t.label.length))) + 14;
    const top = 10;
    const bottom = 40;
    const right = 16;
    const outerW = Math.max(40, this.width - left - right);
    const outerH = HEIGHT - top - bottom;
    // Positions 0..1 map into the frame less its inset.
    const w = outerW - 2 * INSET_PX;
    const h = outerH - 2 * INSET_PX;
    this.frame = { left: left + INSET_PX, top: top + INSET_PX, width: w, height: h, axisX: [] };
    const px = (u: number): number => left + INSET_PX + u * w;
    const py = (u: number): number => top + INSET_PX + (1 - u) * h;
    const grid = svgEl('g', { class: 'plot-grid' });
    const labels = svgEl('g', { class: 'plot-ticks' });
    for (const t of axisTicks(data.x, Math.max(2, Math.floor(w / 90)))) {
      grid.append(svgEl('line', { x1: px(t.at), x2: px(t.at), y1: top, y2: top + outerH }));
      labels.append(svgEl('text', { x: px(t.at), y: top + outerH + 14, 'text-anchor': 'middle' }, truncate(t.label, 16)));
    }
    for (const t of yLabels) {
      grid.append(svgEl('line', { x1: left, x2: left + outerW, y1: py(t.at), y2: py(t.at) }));
      labels.append(svgEl('text', { x: left - 6, y: py(t.at) + 4, 'text-anchor': 'end' }, truncate(t.label, 22)));
    }
    const frame = svgEl('rect', { class: 'plot-frame', x: left, y: top, width: outerW, height: outerH });
    const titles = svgEl('g', { class: 'plot-titles' });
    titles.append(svgEl('text', { x: left + outerW / 2, y: HEIGHT - 6, 'text-anchor': 'middle' }, `${shown.x.title}${data.x.kind === 'numeric' && data.x.log ? ' (log)' : ''}`));
    titles.append(svgEl('text', { x: 12, y: top + outerH / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${top + outerH / 2})` }, `${shown.y.title}${data.y.kind === 'numeric' && data.y.log ? ' (log)' : ''}`));
    const points = svgEl('g', { class: 'plot-points' });
    // Runs sharing a category are spread across part of its band.
    const bandX = data.x.kind === 'categorical' ? 0.5 / data.x.categories.length : 0;
    const bandY = data.y.kind === 'categorical' ? 0.5 / data.y.categories.length : 0;
    const axes = shown.rows.columns.map((c) => (c === shown.x ? data.x : c === shown.y ? data.y : c === shown.colour ? data.colour : null));
    for (const p of data.points) {
      const circle = svgEl('circle', { class: 'plot-point', cx: px(p.x + bandX * jitter(p.row)), cy: py(p.y + bandY * jitter(p.row + 7919)), r: POINT_RADIUS, 'data-key': p.key });
      const fill = this.colourFill(p.colour, palette);
      // A style, not the fill attribute: the stylesheet's default fill would win over an attribute.
      if (fill !== null) circle.style.fill = fill;
      circle.append(svgEl('title', {}, this.tooltip(shown.rows, p.row, axes)));
      points.append(circle);
      this.marks.set(p.key, circle);
    }
    this.svg.setAttribute('aria-label', `Scatter of ${shown.y.title} against ${shown.x.title}: ${data.points.length} runs`);
    this.svg.replaceChildren(grid, frame, labels, titles, points);
    const total = data.points.length + data.left;
    this.note.textContent = `${data.points.length} of ${total} ${total === 1 ? 'run' : 'runs'} plotted${data.left > 0 ? `; ${data.left} without a value on ${shown.x.title} or ${shown.y.title}${data.x.kind === 'numeric' && data.x.log || data.y.kind === 'numeric' && data.y.log ? ' (or ≤ 0 on a log axis)' : ''}` : ''}. Click a point to select its run, drag to select a region.`;
  }

  private drawParallel(shown: Extract<Shown, { kind: 'parallel' }>, palette: readonly string[]): void {
    const { data } = shown;
    const top = 28;
    const bottom = 12;
    const side = 70;
    const h = HEIGHT - top - bottom;
    const n = data.axes.length;
    const step = n > 1 ? (this.width - 2 * side) / (n - 1) : 0;
    const axisX = data.axes.map((_, i) => (n > 1 ? side + i * step : this.width / 2));
    this.frame = { left: 0, top, width: this.width, height: h, axisX };
    const py = (u: number): number => top + (1 - u) * h;
    const lines = svgEl('g', { class: 'plot-lines' });
    for (const line of data.lines) {
      const poly = svgEl('polyline', { class: 'plot-line', points: line.at.map((u, i) => `${axisX[i]!.toFixed(1)},${py(u).toFixed(1)}`).join(' '), 'data-key': line.key });
      const stroke = this.colourFill(shown.colours[line.row] ?? null, palette);
      if (stroke !== null) poly.style.stroke = stroke;
      poly.append(svgEl('title', {}, this.tooltip(shown.rows, line.row, data.axes)));
      lines.append(poly);
      this.marks.set(line.key, poly);
    }
    const axes = svgEl('g', { class: 'plot-axes' });
    // A title is centred on its axis: it has the room to its neighbours, and at the ends the margin on either side.
    const maxTitle = Math.max(8, Math.floor(Math.min(n > 1 ? step : this.width, 2 * side) / 6.5));
    data.axes.forEach((axis, i) => {
      const x = axisX[i]!;
      const group = svgEl('g', { class: 'plot-axis' });
      group.append(svgEl('line', { x1: x, x2: x, y1: top, y2: top + h }));
      const title = svgEl('text', { class: 'plot-axis-title', x, y: 14, 'text-anchor': 'middle' }, truncate(shown.columns[i]!.title, maxTitle));
      title.append(svgEl('title', {}, shown.columns[i]!.title));
      group.append(title);
      for (const t of axisTicks(axis, 4)) group.append(svgEl('text', { class: 'plot-ticks', x: x + 5, y: py(t.at) + 4 }, truncate(t.label, 14)));
      axes.append(group);
    });
    this.svg.setAttribute('aria-label', `Parallel coordinates over ${shown.columns.map((c) => c.title).join(', ')}: ${data.lines.length} runs`);
    this.svg.replaceChildren(lines, axes);
    const total = data.lines.length + data.left;
    this.note.textContent = `${data.lines.length} of ${total} ${total === 1 ? 'run' : 'runs'} drawn${data.left > 0 ? `; ${data.left} without a value on some axis` : ''}. Click a line to select its run, drag along an axis to select the runs through that stretch.`;
  }

  private drawLegend(column: PlotColumn | null, axis: Axis | null, palette: readonly string[]): void {
    if (column === null || axis === null) {
      this.legend.replaceChildren();
      return;
    }
    const items: Node[] = [el('span', { className: 'muted', text: `${column.title}:` })];
    if (axis.kind === 'categorical') {
      axis.categories.slice(0, MAX_LEGEND_ITEMS).forEach((c, i) => {
        const swatch = el('span', { className: 'swatch' });
        swatch.style.background = palette[i % palette.length]!;
        items.push(el('span', { className: 'legend-item' }, [swatch, truncate(c, 24)]));
      });
      if (axis.categories.length > MAX_LEGEND_ITEMS) items.push(el('span', { className: 'muted', text: `+${axis.categories.length - MAX_LEGEND_ITEMS} more` }));
    } else {
      const ramp = el('span', { className: 'plot-ramp' });
      ramp.style.background = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map(sequentialColour).join(', ')})`;
      items.push(el('span', { text: valueLabel(axis, axis.min) }), ramp, el('span', { text: valueLabel(axis, axis.max) }));
    }
    this.legend.replaceChildren(...items);
  }

  // ---- Keyboard ---------------------------------------------------------------------------------

  private onKey(e: KeyboardEvent): void {
    const shown = this.shown;
    if (shown === null) return;
    const keys = shown.kind === 'scatter' ? shown.data.points.map((p) => p.key) : shown.data.lines.map((l) => l.key);
    const direction = ARROWS[e.key];
    if (direction !== undefined) {
      const from = this.cursor === null ? -1 : keys.indexOf(this.cursor);
      const next = shown.kind === 'scatter' ? stepPoint(shown.data.points, from, direction) : stepLine(shown.data.lines, from, direction);
      this.cursor = keys[next] ?? null;
      this.showCursor();
    } else if (e.key === 'Enter' && this.cursor !== null) this.events.pick([this.cursor], e.shiftKey ? 'add' : 'replace');
    else if (e.key === ' ' && this.cursor !== null) this.events.pick([this.cursor], 'toggle');
    else if (e.key === 'Escape' && this.cursor !== null) {
      this.cursor = null;
      this.showCursor();
    } else return;
    e.preventDefault();
    e.stopPropagation();
  }

  /** Rings the focused run's mark (on top of the others) and says what its tooltip says. */
  private showCursor(): void {
    for (const mark of this.svg.querySelectorAll('.focused')) mark.classList.remove('focused');
    const mark = this.cursor === null ? undefined : this.marks.get(this.cursor);
    if (mark === undefined) {
      this.cursor = null;
      this.focusNote.textContent = '';
      return;
    }
    mark.classList.add('focused');
    mark.parentNode?.appendChild(mark);
    this.focusNote.textContent = (mark.querySelector('title')?.textContent ?? '').replace(/\n/g, ' · ');
  }

  // ---- Picking ----------------------------------------------------------------------------------

  private local(e: PointerEvent): { x: number; y: number } {
    const box = this.svg.getBoundingClientRect();
    return { x: e.clientX - box.left, y: e.clientY - box.top };
  }

  private onDown(e: PointerEvent): void {
    if (this.shown === null || e.button !== 0) return;
    const at = this.local(e);
    const key = (e.target as Element).getAttribute('data-key');
    this.drag = { ...at, key, moved: false, box: null };
    this.svg.setPointerCapture(e.pointerId);
  }

  private onMove(e: PointerEvent): void {
    const drag = this.drag;
    if (drag === null) return;
    const at = this.local(e);
    if (!drag.moved && Math.hypot(at.x - drag.x, at.y - drag.y) < DRAG_PX) return;
    drag.moved = true;
    if (drag.box === null) {
      drag.box = svgEl('rect', { class: 'plot-brush' });
      this.svg.append(drag.box);
    }
    const parallel = this.shown?.kind === 'parallel';
    const x0 = parallel ? this.nearestAxisX(drag.x) - 8 : Math.min(drag.x, at.x);
    const width = parallel ? 16 : Math.abs(at.x - drag.x);
    drag.box.setAttribute('x', String(x0));
    drag.box.setAttribute('y', String(Math.min(drag.y, at.y)));
    drag.box.setAttribute('width', String(width));
    drag.box.setAttribute('height', String(Math.abs(at.y - drag.y)));
  }

  private onUp(e: PointerEvent): void {
    const drag = this.drag;
    this.drag = null;
    if (drag === null || this.shown === null) return;
    drag.box?.remove();
    const mode: PickMode = e.ctrlKey || e.metaKey ? 'toggle' : e.shiftKey ? 'add' : 'replace';
    if (!drag.moved) {
      if (drag.key !== null) this.events.pick([drag.key], mode);
      return;
    }
    const at = this.local(e);
    const { left, top, width, height } = this.frame;
    const uy = (y: number): number => 1 - (y - top) / height;
    if (this.shown.kind === 'scatter') {
      const ux = (x: number): number => (x - left) / width;
      this.events.pick(pointsIn(this.shown.data.points, ux(drag.x), uy(drag.y), ux(at.x), uy(at.y)), mode === 'toggle' ? 'add' : mode);
    } else {
      const axis = this.nearestAxis(drag.x);
      if (axis >= 0) this.events.pick(linesThrough(this.shown.data.lines, axis, uy(drag.y), uy(at.y)), mode === 'toggle' ? 'add' : mode);
    }
  }

  private nearestAxis(x: number): number {
    let best = -1;
    this.frame.axisX.forEach((ax, i) => {
      if (best < 0 || Math.abs(ax - x) < Math.abs(this.frame.axisX[best]! - x)) best = i;
    });
    return best;
  }

  private nearestAxisX(x: number): number {
    const i = this.nearestAxis(x);
    return i < 0 ? x : this.frame.axisX[i]!;
  }
}
