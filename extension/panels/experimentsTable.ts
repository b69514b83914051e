// The experiments table as the page receives it: the host's rows filtered and sorted by the
// user's layout (server/runs/table), the columns chosen by it — only the parameters that differ
// unless asked otherwise, plus added ones, minus hidden ones, pinned ones first — and each cell's
// display text. Free of VS Code, so it is tested directly.
import type { TableRow } from '../../server/runs/table/columns';
import { FilterError, parseFilter, type FilterClause } from '../../server/runs/table/filter';
import { formatCell } from '../../server/runs/table/format';
import { groupBySweep, type TableItem } from '../../server/runs/table/groups';
import { groupBestText, viewAsCsv } from '../../server/runs/table/output';
import { buildView, columnKeys, type TableColumn, type TableView } from '../../server/runs/table/view';
import type { ColumnInfo, GroupInfo, HostToExperiments, RowInfo, TableLayout } from '../../webview/experiments/protocol';
import { plotColumns } from './experimentsPlot';

type TableMessage = Extract<HostToExperiments, { type: 'table' }>;

function filtersOf(rows: readonly TableRow[], layout: TableLayout): { filters: FilterClause[]; problem: string | null } {
  if (layout.filter.trim() === '') return { filters: [], problem: null };
  try {
    return { filters: parseFilter(layout.filter, columnKeys(rows)), problem: null };
  } catch (e) {
    // The table keeps showing every run while the filter is being typed or is wrong.
    return { filters: [], problem: e instanceof FilterError ? `${e.message} — showing all runs` : (e as Error).message };
  }
}

/** The columns the user ordered first, in that order; the others after them, in their own order. */
export function orderColumns<T extends { readonly key: string }>(columns: readonly T[], order: readonly string[]): T[] {
  const rank = new Map(order.map((k, i) => [k, i]));
  const ordered = columns.filter((c) => rank.has(c.key)).sort((a, b) => rank.get(a.key)! - rank.get(b.key)!);
  return [...ordered, ...columns.filter((c) => !rank.has(c.key))];
}

/** The view the layout asks for: rows filtered and sorted, columns chosen, hidden and pinned. */
export function layoutView(rows: readonly TableRow[], layout: TableLayout): { view: TableView; problem: string | null } {
  const { filters, problem } = filtersOf(rows, layout);
  const view = buildView(rows, { filters, sort: layout.sort, allColumns: !layout.onlyChanged });
  const byKey = new Map(view.available.map((c) => [c.key, c]));
  const added = layout.onlyChanged ? layout.added.flatMap((k) => (byKey.has(k) && !view.columns.some((c) => c.key === k) ? [byKey.get(k)!] : [])) : [];
  const hidden = new Set(layout.hidden);
  const chosen = orderColumns([...view.columns, ...added].filter((c) => !hidden.has(c.key)), layout.order ?? []);
  const pinned = layout.pinned.flatMap((k) => chosen.filter((c) => c.key === k));
  const columns: TableColumn[] = [...pinned, ...chosen.filter((c) => !layout.pinned.includes(c.key))];
  return { view: { ...view, columns }, problem };
}

function isNumeric(column: TableColumn, rows: readonly TableRow[]): boolean {
  if (column.kind === 'result') return column.format !== 'text';
  if (column.kind === 'run') return false;
  const first = rows.find((r) => r.cells.has(column.key))?.cells.get(column.key);
  return typeof first === 'number';
}

function columnInfo(column: TableColumn, rows: readonly TableRow[]): ColumnInfo {
  return { key: column.key, title: column.title, kind: column.kind, changed: column.changed, numeric: isNumeric(column, rows), description: column.description };
}

/** What can be done to a run now, by its folder name (the host asks its RunService). */
export type RunActions = (runKey: string) => { readonly canResume: boolean; readonly canStop: boolean };

function rowInfo(row: TableRow, columns: readonly TableColumn[], actions: RunActions): RowInfo {
  const tags = row.cells.get('tags');
  const notes = row.cells.get('notes');
  return {
    key: row.key,
    name: String(row.cells.get('name') ?? row.key),
    status: String(row.cells.get('status') ?? ''),
    star: row.cells.get('star') === true,
    notes: typeof notes === 'string' ? notes : '',
    tags: Array.isArray(tags) ? tags.map(String) : [],
    ...actions(row.key),
    cells: columns.map((c) => formatCell(c, row.cells.get(c.key))),
  };
}

/**
 * The shown rows grouped by sweep when the layout asks (it does unless turned off) and some shown
 * run belongs to one: null otherwise.
 */
export function sweepItems(rows: readonly TableRow[], view: TableView, layout: TableLayout): TableItem[] | null {
  if (layout.groupBySweep === false || !view.rows.some((r) => r.sweep !== undefined)) return null;
  return groupBySweep(view.rows, rows, layout.sort);
}

export function tableMessage(rows: readonly TableRow[], layout: TableLayout, runsFolder: string | undefined, actions: RunActions): TableMessage {
  const laid = layoutView(rows, layout);
  const { problem } = laid;
  const items = sweepItems(rows, laid.view, layout);
  // Grouped, a group's rows follow one another (the plot's values follow the same order).
  const view: TableView = items === null ? laid.view : { ...laid.view, rows: items.flatMap((item) => (item.kind === 'run' ? [item.row] : item.group.rows)) };
  const groups = (items ?? []).flatMap((item): GroupInfo[] => (item.kind !== 'group' ? [] : [{
    id: item.group.id, base: item.group.base, parameters: item.group.parameters, runKeys: item.group.rows.map((r) => r.key),
    total: item.group.total, counts: item.group.counts, best: groupBestText(view, item.group),
  }]));
  return {
    type: 'table',
    columns: view.columns.map((c) => columnInfo(c, view.rows)),
    available: view.available.map((c) => columnInfo(c, view.rows)),
    rows: view.rows.map((r) => rowInfo(r, view.columns, actions)),
    groups,
    hasSweeps: view.rows.some((r) => r.sweep !== undefined),
    total: view.total,
    layout,
    problem,
    runsFolder: runsFolder ?? null,
    plot: plotColumns(view.rows, view.available, layout.plot),
  };
}

/** The shown rows and columns as CSV with raw values (what `contrastive-lab runs --csv` writes). */
export function tableCsv(rows: readonly TableRow[], layout: TableLayout): string {
  return viewAsCsv(layoutView(rows, layout).view);
}
