// The plots' pure logic: an axis from a column's values (numeric when every value is a number,
// else categorical; log only where values are positive), a value's place on it, tick labels, the
// colour scale of a third column, and which runs a scatter or parallel-coordinates plot draws
// (a run without a value on a plotted column, or a value ≤ 0 on a log axis, is left out and
// counted). Free of the DOM, so it is tested directly.
import { formatNumber, linearTicks, logTicks, type Tick } from '../shared/ticks';
import type { PlotColumn, PlotValue } from './protocol';

export interface NumericAxis {
  readonly kind: 'numeric';
  readonly min: number;
  readonly max: number;
  readonly log: boolean;
  readonly format: PlotColumn['format'];
}

export interface CategoricalAxis {
  readonly kind: 'categorical';
  /** In natural order (`0.05` before `0.1`, `run-2` before `run-10`). */
  readonly categories: readonly string[];
}

export type Axis = NumericAxis | CategoricalAxis;

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** The axis of a column: numeric when every present value is a number (log where asked and some value is positive). */
export function makeAxis(column: PlotColumn, log: boolean): Axis {
  const present = column.values.filter((v): v is number | string => v !== null);
  if (present.length > 0 && present.every((v) => typeof v === 'number')) {
    const numbers = present as number[];
    const positive = numbers.filter((v) => v > 0);
    const logged = log && positive.length > 0;
    const used = logged ? positive : numbers;
    return { kind: 'numeric', min: Math.min(...used), max: Math.max(...used), log: logged, format: column.format };
  }
  return { kind: 'categorical', categories: [...new Set(present.map(String))].sort(collator.compare) };
}

/** Where a value sits on the axis, 0 (start) to 1 (end); null when it cannot be drawn there. */
export function position(axis: Axis, value: PlotValue): number | null {
  if (value === null) return null;
  if (axis.kind === 'categorical') {
    const i = axis.categories.indexOf(String(value));
    return i < 0 ? null : (i + 0.5) / axis.categories.length;
  }
  if (typeof value !== 'number') return null;
  if (axis.log) {
    if (!(value > 0)) return null;
    const span = Math.log10(axis.max) - Math.log10(axis.min);
    return span === 0 ? 0.5 : (Math.log10(value) - Math.log10(axis.min)) / span;
  }
  return axis.max === axis.min ? 0.5 : (value - axis.min) / (axis.max - axis.min);
}

/** Ticks at their axis positions with labels as the table shows the values (percent as %). */
export function axisTicks(axis: Axis, target: number): { at: number; label: string }[] {
  if (axis.kind === 'categorical') {
    // Many categories: label every k-th so the labels do not overlap.
    const stride = Math.max(1, Math.ceil(axis.categories.length / Math.max(1, target * 2)));
    return axis.categories.flatMap((c, i) => (i % stride === 0 ? [{ at: (i + 0.5) / axis.categories.length, label: c }] : []));
  }
  const scale = axis.format === 'percent' ? 100 : 1;
  const ticks: Tick[] = axis.log ? logTicks(axis.min * scale, axis.max * scale, target) : linearTicks(axis.min * scale, axis.max * scale, target);
  return ticks.flatMap((t) => {
    const at = position(axis, t.value / scale);
    return at === null ? [] : [{ at, label: `${t.label}${scale === 100 ? '%' : ''}` }];
  });
}

/** A value as a tooltip reads it. */
export function valueLabel(axis: Axis, value: PlotValue): string {
  if (value === null) return '—';
  if (typeof value !== 'number') return value;
  if (axis.kind === 'numeric' && axis.format === 'percent') return `${formatNumber(value * 100, 0.01)}%`;
  return String(Number(value.toPrecision(6)));
}

// ---- Colour ------------------------------------------------------------------------------------

/** Viridis at five stops: ordered, readable on light and dark backgrounds, and for colour-blind eyes. */
const SEQUENTIAL: readonly (readonly [number, number, number])[] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

/** The sequential colour at t in [0, 1]. */
export function sequentialColour(t: number): string {
  const x = Math.max(0, Math.min(1, t)) * (SEQUENTIAL.length - 1);
  const i = Math.min(SEQUENTIAL.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [SEQUENTIAL[i]!, SEQUENTIAL[i + 1]!];
  const mix = (k: number): number => Math.round(a[k]! + (b[k]! - a[k]!) * f);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

/** What colours a point: a palette index (categorical), a place on the sequential scale (numeric), or nothing. */
export type PointColour = { readonly category: number } | { readonly t: number } | null;

export function colourOf(axis: Axis | null, value: PlotValue): PointColour {
  if (axis === null || value === null) return null;
  if (axis.kind === 'categorical') {
    const i = axis.categories.indexOf(String(value));
    return i < 0 ? null : { category: i };
  }
  const t = position(axis, value);
  return t === null ? null : { t };
}

// ---- What each plot draws -------------------------------------------------------------------

export interface ScatterPoint {
  /** The run (row key) and its row index in the table. */
  readonly key: string;
  readonly row: number;
  /** 0..1 along each axis; y grows upwards. */
  readonly x: number;
  readonly y: number;
  readonly colour: PointColour;
}

export interface ScatterData {
  readonly x: Axis;
  readonly y: Axis;
  readonly colour: Axis | null;
  readonly points: readonly ScatterPoint[];
  /** Shown runs with no value to place on x or y (or a value ≤ 0 on a log axis). */
  readonly left: number;
}

export function scatterData(keys: readonly string[], x: PlotColumn, y: PlotColumn, colour: PlotColumn | null, logX: boolean, logY: boolean): ScatterData {
  const xAxis = makeAxis(x, logX);
  const yAxis = makeAxis(y, logY);
  const colourAxis = colour === null ? null : makeAxis(colour, false);
  const points: ScatterPoint[] = [];
  keys.forEach((key, row) => {
    const px = position(xAxis, x.values[row] ?? null);
    const py = position(yAxis, y.values[row] ?? null);
    if (px === null || py === null) return;
    points.push({ key, row, x: px, y: py, colour: colourOf(colourAxis, colour?.values[row] ?? null) });
  });
  return { x: xAxis, y: yAxis, colour: colourAxis, points, left: keys.length - points.length };
}

export interface ParallelLine {
  readonly key: string;
  readonly row: number;
  /** 0..1 on each axis, left to right. */
  readonly at: readonly number[];
}

export interface ParallelData {
  readonly axes: readonly Axis[];
  readonly lines: readonly ParallelLine[];
  /** Shown runs without a value on some axis. */
  readonly left: number;
}

export function parallelData(keys: readonly string[], columns: readonly PlotColumn[]): ParallelData {
  const axes = columns.map((c) => makeAxis(c, false));
  const lines: ParallelLine[] = [];
  keys.forEach((key, row) => {
    const at = axes.map((axis, i) => position(axis, columns[i]!.values[row] ?? null));
    if (at.every((p): p is number => p !== null)) lines.push({ key, row, at });
  });
  return { axes, lines, left: keys.length - lines.length };
}

// ---- Brushing ---------------------------------------------------------------------------------

/** The runs whose points lie in the rectangle (axis units 0..1, corners in any order). */
export function pointsIn(points: readonly ScatterPoint[], x0: number, y0: number, x1: number, y1: number): string[] {
  const [xlo, xhi] = x0 <= x1 ? [x0, x1] : [x1, x0];
  const [ylo, yhi] = y0 <= y1 ? [y0, y1] : [y1, y0];
  return points.filter((p) => p.x >= xlo && p.x <= xhi && p.y >= ylo && p.y <= yhi).map((p) => p.key);
}

/** The runs whose line crosses axis `axis` between `from` and `to` (0..1, either order). */
export function linesThrough(lines: readonly ParallelLine[], axis: number, from: number, to: number): string[] {
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  return lines.filter((l) => l.at[axis]! >= lo && l.at[axis]! <= hi).map((l) => l.key);
}

/** The scatter's default columns: the first changed parameter against the final kNN (else the first result). */
export function defaultScatter(columns: readonly { key: string; kind: string; changed: boolean }[]): { x: string; y: string } {
  const params = columns.filter((c) => c.kind === 'param');
  const results = columns.filter((c) => c.kind === 'result');
  const x = (params.find((c) => c.changed) ?? params[0])?.key ?? '';
  const y = (results.find((c) => c.key === 'knn') ?? results[0])?.key ?? '';
  return { x, y };
}

/** Parallel coordinates by default: every changed parameter, then the final kNN (else the first result). */
export function defaultAxes(columns: readonly { key: string; kind: string; changed: boolean }[]): string[] {
  const changed = columns.filter((c) => c.kind === 'param' && c.changed).map((c) => c.key);
  const results = columns.filter((c) => c.kind === 'result');
  const result = (results.find((c) => c.key === 'knn') ?? results[0])?.key;
  return result === undefined ? changed : [...changed, result];
}
