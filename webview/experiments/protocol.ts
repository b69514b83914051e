// The messages between the experiments table's host (extension/panels/experimentsPanel.ts) and its
// page. The host owns the table (rows, filter, sort: server/runs/table); the page renders the rows
// it is sent, virtualised, and posts what the user does. What the page posts is validated here.
import {
  checkBoolean, checkNonEmptyString, checkReady, checkString, checkStringList, checkWebviewError, describe, isRecord, LIMITS, makeParser,
  type Guard, type ReadyMessage, type SpecDiffRow, type WebviewErrorMessage,
} from '../protocol';

export interface SortKey {
  readonly column: string;
  readonly descending: boolean;
}

/** Which parameter → result plot is shown above the table, and over which columns. */
export interface PlotLayout {
  /** 'none' keeps the chosen columns while the plot is closed. */
  readonly kind: 'none' | 'scatter' | 'parallel';
  /** Scatter: the horizontal and vertical columns, and the column that colours the points ('' for none). */
  readonly x: string;
  readonly y: string;
  readonly colour: string;
  readonly logX: boolean;
  readonly logY: boolean;
  /** Parallel coordinates: one vertical axis per column, left to right. */
  readonly axes: readonly string[];
}

export const DEFAULT_PLOT: PlotLayout = { kind: 'none', x: '', y: '', colour: '', logX: false, logY: false, axes: [] };

/** What the user arranged, persisted per workspace by the host. */
export interface TableLayout {
  /** Sort keys, most significant first. */
  readonly sort: readonly SortKey[];
  /** The filter expression as typed (server/runs/table/filter.ts). */
  readonly filter: string;
  /** Show only the parameters that differ between the shown runs (plus the columns added by hand). */
  readonly onlyChanged: boolean;
  readonly hidden: readonly string[];
  /** Pinned columns stay at the left while scrolling sideways, in this order. */
  readonly pinned: readonly string[];
  /** Columns added by hand while only the changed ones are shown. */
  readonly added: readonly string[];
  /** Absent in layouts stored before the plots existed: no plot. */
  readonly plot?: PlotLayout;
  /** Column order as the user dragged it (columns not named follow, in their own order); pinned columns still come first. */
  readonly order?: readonly string[];
  /** Column widths in CSS pixels the user dragged to, by column key. */
  readonly widths?: Readonly<Record<string, number>>;
  /** Runs of a sweep under a group header; absent (layouts stored before groups existed) is on. */
  readonly groupBySweep?: boolean;
  /** The sweep ids whose groups are collapsed. */
  readonly collapsed?: readonly string[];
}

/** The narrowest and widest a column may be dragged. */
export const COLUMN_WIDTH = { min: 30, max: 1200 } as const;

export const DEFAULT_LAYOUT: TableLayout = { sort: [], filter: '', onlyChanged: true, hidden: [], pinned: [], added: [] };

export interface ColumnInfo {
  readonly key: string;
  readonly title: string;
  readonly kind: 'run' | 'param' | 'result';
  /** For parameters: the shown runs disagree on it. */
  readonly changed: boolean;
  /** Right-aligned (a number). */
  readonly numeric: boolean;
  readonly description: string;
}

export interface RowInfo {
  /** The run's folder name: what every row message names. */
  readonly key: string;
  readonly name: string;
  readonly status: string;
  readonly star: boolean;
  readonly notes: string;
  readonly tags: readonly string[];
  /** Stopped, interrupted or failed with a checkpoint: it can continue. */
  readonly canResume: boolean;
  /** Queued or running: it can be stopped. */
  readonly canStop: boolean;
  /** Display text per shown column, in column order. */
  readonly cells: readonly string[];
}

/** A sweep's group: its header row's content and the shown runs under it. */
export interface GroupInfo {
  readonly id: string;
  /** The spec the sweep was expanded from (absolute path). */
  readonly base: string;
  /** The spec paths the sweep varies. */
  readonly parameters: readonly string[];
  /** The group's shown runs, in row order (they are consecutive in the message's rows). */
  readonly runKeys: readonly string[];
  /** The sweep's runs before filtering. */
  readonly total: number;
  /** Shown runs by status, zeros included for completed, running, queued, failed, stopped, interrupted. */
  readonly counts: Readonly<Record<string, number>>;
  /** The best value of the first sort column among the group's runs (`kNN↓ 91.20%`), null without a sort or a value. */
  readonly best: string | null;
}

/** A plotted value: a number, text for a categorical value (booleans, strings, lists), null when the run has none. */
export type PlotValue = number | string | null;

/** One column the plot asked for, with the raw value of every shown row (in row order). */
export interface PlotColumn {
  readonly key: string;
  readonly title: string;
  /** How its values read: fractions as percentages, else as they are. */
  readonly format: 'percent' | 'plain';
  readonly values: readonly PlotValue[];
}

/** A run as the spec comparison names it. */
export interface ComparedRun {
  readonly key: string;
  readonly name: string;
}

export type HostToExperiments = TableMessage | SpecDiffMessage;

/** The spec paths whose values differ between three or more runs (two open in VS Code's diff editor instead). */
export interface SpecDiffMessage {
  readonly type: 'specDiff';
  readonly runs: readonly ComparedRun[];
  /** Values keyed by run key; a run without the path is missing from the record. */
  readonly rows: readonly SpecDiffRow[];
}

export interface TableMessage {
  readonly type: 'table';
  readonly columns: readonly ColumnInfo[];
  /** Every column a run has, for the "add column" chooser. */
  readonly available: readonly ColumnInfo[];
  /** In table order; grouped by sweep, a group's runs are consecutive where its best run sorts. */
  readonly rows: readonly RowInfo[];
  /** The sweeps' groups, in row order; empty when grouping is off or no shown run belongs to a sweep. */
  readonly groups: readonly GroupInfo[];
  /** Some shown run belongs to a sweep (the "Group by sweep" toggle is offered). */
  readonly hasSweeps: boolean;
  /** Runs before filtering. */
  readonly total: number;
  readonly layout: TableLayout;
  /** Why the filter or sort does not apply (the table then shows every run), with the caret lines. */
  readonly problem: string | null;
  readonly runsFolder: string | null;
  /** The columns the layout's plot draws (none when no plot is open). */
  readonly plot: readonly PlotColumn[];
}

export type ExperimentsToHost =
  | ReadyMessage
  | WebviewErrorMessage
  /** Save the shown rows and columns as CSV with raw values; the host asks where. */
  | { readonly type: 'exportTable' }
  | { readonly type: 'setLayout'; readonly layout: TableLayout }
  | { readonly type: 'annotate'; readonly runKey: string; readonly star: boolean; readonly notes: string; readonly tags: readonly string[] }
  | { readonly type: 'openSpec'; readonly runKey: string }
  /** One run: its dashboard; several: their curves overlaid. */
  | { readonly type: 'openDashboard'; readonly runKeys: readonly string[] }
  | { readonly type: 'reveal'; readonly runKey: string }
  /** Continue the run from its last checkpoint, or stop it (the Runs view's commands). */
  | { readonly type: 'resume'; readonly runKey: string }
  | { readonly type: 'stop'; readonly runKey: string }
  /** Asks the user to confirm, then moves the run folders to the trash. */
  | { readonly type: 'delete'; readonly runKeys: readonly string[] }
  /** A new queued run of each run's spec, unchanged (the queue starts it). */
  | { readonly type: 'rerun'; readonly runKeys: readonly string[] }
  /** The host asks which values to change (checked by the spec pipeline), then queues a run of the edited copy. */
  | { readonly type: 'editAndRun'; readonly runKey: string }
  /** Two runs: their spec.json files in VS Code's diff editor; more: the host answers with a specDiff message. */
  | { readonly type: 'compareSpecs'; readonly runKeys: readonly string[] };

const MAX_FILTER_CHARS = 2000;
const MAX_NOTES_CHARS = 20_000;
const MAX_SORT_KEYS = 20;

function checkSort(m: Record<string, unknown>): string | null {
  const sort = m.sort;
  if (!Array.isArray(sort)) return `field 'sort' must be an array, got ${describe(sort)}`;
  if (sort.length > MAX_SORT_KEYS) return `field 'sort' has ${sort.length} keys; the limit is ${MAX_SORT_KEYS}`;
  const bad = sort.findIndex((k) => !isRecord(k) || checkNonEmptyString(k, 'column', LIMITS.maxRunIdChars) !== null || typeof k.descending !== 'boolean');
  return bad >= 0 ? `field 'sort[${bad}]' must be {column: string, descending: boolean}` : null;
}

const PLOT_KINDS: readonly string[] = ['none', 'scatter', 'parallel'];

function checkPlot(m: Record<string, unknown>): string | null {
  if (m.plot === undefined) return null;
  const plot = m.plot;
  if (!isRecord(plot)) return `field 'plot' must be an object, got ${describe(plot)}`;
  const error = (typeof plot.kind === 'string' && PLOT_KINDS.includes(plot.kind) ? null : `field 'kind' must be one of ${PLOT_KINDS.join(', ')}, got ${describe(plot.kind)}`)
    ?? checkString(plot, 'x', LIMITS.maxRunIdChars) ?? checkString(plot, 'y', LIMITS.maxRunIdChars) ?? checkString(plot, 'colour', LIMITS.maxRunIdChars)
    ?? checkBoolean(plot, 'logX') ?? checkBoolean(plot, 'logY') ?? checkStringList(plot, 'axes');
  return error === null ? null : `field 'plot': ${error}`;
}

function checkWidths(m: Record<string, unknown>): string | null {
  if (m.widths === undefined) return null;
  if (!isRecord(m.widths)) return `field 'widths' must be an object of column widths, got ${describe(m.widths)}`;
  const entries = Object.entries(m.widths);
  if (entries.length > LIMITS.maxListLength) return `field 'widths' has ${entries.length} columns; the limit is ${LIMITS.maxListLength}`;
  const bad = entries.find(([key, w]) => key.length > LIMITS.maxRunIdChars || typeof w !== 'number' || !(w >= COLUMN_WIDTH.min && w <= COLUMN_WIDTH.max));
  return bad === undefined ? null : `field 'widths.${bad[0].slice(0, 80)}' must be a number of pixels from ${COLUMN_WIDTH.min} to ${COLUMN_WIDTH.max}, got ${typeof bad[1] === 'number' ? bad[1] : describe(bad[1])}`;
}

const checkLayoutFields: Guard = (m) =>
  checkSort(m) ?? checkString(m, 'filter', MAX_FILTER_CHARS) ?? checkBoolean(m, 'onlyChanged') ?? checkStringList(m, 'hidden') ?? checkStringList(m, 'pinned') ?? checkStringList(m, 'added') ?? checkPlot(m)
  ?? (m.order === undefined ? null : checkStringList(m, 'order')) ?? checkWidths(m)
  ?? (m.groupBySweep === undefined ? null : checkBoolean(m, 'groupBySweep')) ?? (m.collapsed === undefined ? null : checkStringList(m, 'collapsed'));

/** A stored or posted layout, or the reason it is not one. */
export function checkLayout(value: unknown): string | null {
  return isRecord(value) ? checkLayoutFields(value) : `the layout must be an object, got ${describe(value)}`;
}

const checkRunKey: Guard = (m) => checkNonEmptyString(m, 'runKey', LIMITS.maxRunIdChars);
const checkRunKeys: Guard = (m) => checkStringList(m, 'runKeys') ?? ((m.runKeys as unknown[]).length === 0 ? `field 'runKeys' must name at least one run` : null);

export const parseExperimentsMessage = makeParser<ExperimentsToHost>('experiments', {
  ready: checkReady,
  webviewError: checkWebviewError,
  exportTable: checkReady,
  setLayout: (m) => {
    const error = checkLayout(m.layout);
    return error === null ? null : `field 'layout': ${error}`;
  },
  annotate: (m) => checkRunKey(m) ?? checkBoolean(m, 'star') ?? checkString(m, 'notes', MAX_NOTES_CHARS) ?? checkStringList(m, 'tags'),
  openSpec: checkRunKey,
  openDashboard: checkRunKeys,
  reveal: checkRunKey,
  resume: checkRunKey,
  stop: checkRunKey,
  delete: checkRunKeys,
  rerun: checkRunKeys,
  editAndRun: checkRunKey,
  compareSpecs: (m) => checkRunKeys(m) ?? ((m.runKeys as unknown[]).length < 2 ? `field 'runKeys' must name at least two runs to compare` : null),
});
