// Grouping a runs-table view by sweep: the shown runs of one sweep sit together under a group, in
// the table's order, and the group sits where its leading run (the best under the sort, else the
// newest) would; runs of no sweep stay where they are. Shared by the editor's table and `runs --group sweep`.
import type { RowSweep, TableRow } from './columns';
import type { SortKey } from './sort';
import { sameValue, type CellValue } from './values';

/** Run statuses in the order a group header counts them. */
export const GROUP_STATUSES = ['completed', 'running', 'queued', 'failed', 'stopped', 'interrupted'] as const;

export interface SweepGroup {
  readonly id: string;
  /** The spec the sweep was expanded from. */
  readonly base: string;
  /** The spec paths the sweep varies. */
  readonly parameters: readonly string[];
  /** The group's shown runs, in the table's order (the first is the leading one). */
  readonly rows: readonly TableRow[];
  /** The sweep's runs in the table before filtering. */
  readonly total: number;
  /** Shown runs by status (every status of GROUP_STATUSES, zero included; other statuses under their own name). */
  readonly counts: Readonly<Record<string, number>>;
  /** The first sort key's value in the leading run: the group's best under the sort. Absent without a sort or when no run has a value. */
  readonly best?: { readonly column: string; readonly descending: boolean; readonly value: CellValue };
}

export type TableItem = { readonly kind: 'group'; readonly group: SweepGroup } | { readonly kind: 'run'; readonly row: TableRow };

/** The paths whose values differ between the runs (run.name aside): a sweep's parameters when its children do not say. */
function differingPaths(rows: readonly TableRow[]): string[] {
  const paths = new Set<string>();
  for (const row of rows) for (const key of row.cells.keys()) if (key.includes('.') && key !== 'run.name') paths.add(key);
  return [...paths].filter((p) => rows.some((r) => !sameValue(r.cells.get(p), rows[0]!.cells.get(p)))).sort();
}

function counts(rows: readonly TableRow[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(GROUP_STATUSES.map((s) => [s, 0]));
  for (const row of rows) {
    const status = String(row.cells.get('status') ?? 'unknown');
    out[status] = (out[status] ?? 0) + 1;
  }
  return out;
}

/**
 * The shown rows (filtered and sorted) as items: a group per sweep with shown runs, at the place
 * of its first run, and the runs of no sweep. `all` are the rows before filtering (for the sweep's
 * size and, for children that do not name them, the parameters it varies).
 */
export function groupBySweep(shown: readonly TableRow[], all: readonly TableRow[], sort: readonly SortKey[]): TableItem[] {
  const members = new Map<string, TableRow[]>();
  for (const row of shown) if (row.sweep !== undefined) members.set(row.sweep.id, [...(members.get(row.sweep.id) ?? []), row]);
  const everyRun = new Map<string, TableRow[]>();
  for (const row of all) if (row.sweep !== undefined && members.has(row.sweep.id)) everyRun.set(row.sweep.id, [...(everyRun.get(row.sweep.id) ?? []), row]);
  const items: TableItem[] = [];
  const placed = new Set<string>();
  for (const row of shown) {
    if (row.sweep === undefined) {
      items.push({ kind: 'run', row });
      continue;
    }
    if (placed.has(row.sweep.id)) continue;
    placed.add(row.sweep.id);
    items.push({ kind: 'group', group: makeGroup(row.sweep, members.get(row.sweep.id)!, everyRun.get(row.sweep.id) ?? [], sort) });
  }
  return items;
}

function makeGroup(sweep: RowSweep, rows: readonly TableRow[], all: readonly TableRow[], sort: readonly SortKey[]): SweepGroup {
  const named = [...new Set(all.flatMap((r) => r.sweep?.parameters ?? []))];
  const key = sort[0];
  const value = key === undefined ? undefined : rows[0]!.cells.get(key.column);
  return {
    id: sweep.id,
    base: sweep.base,
    parameters: named.length > 0 ? named : differingPaths(all),
    rows,
    total: Math.max(all.length, rows.length),
    counts: counts(rows),
    ...(key === undefined || value === undefined ? {} : { best: { column: key.column, descending: key.descending, value } }),
  };
}

/** "2 completed, 1 running": the non-zero counts, in GROUP_STATUSES order then the others. */
export function describeCounts(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts).filter(([, n]) => n > 0).map(([status, n]) => `${n} ${status}`).join(', ');
}
