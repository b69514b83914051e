// The grid's lines when runs are grouped by sweep: a header line per group (collapsible) and the
// runs under it, runs of no sweep on their own; what a header says; and which lines the selection
// treats as one (a header stands for all its runs, shown or collapsed).
import type { GroupInfo, RowInfo } from './protocol';

export type GridLine =
  | { readonly kind: 'group'; readonly key: string; readonly group: GroupInfo; readonly collapsed: boolean }
  /** `row` indexes the message's rows; `grouped` runs sit under a header. */
  | { readonly kind: 'run'; readonly key: string; readonly row: number; readonly grouped: boolean };

/** A header line's key: no run folder name holds a NUL. */
export const groupKey = (id: string): string => `\u0000sweep:${id}`;

/** The lines to draw: each group's header before its first run, its runs unless collapsed. */
export function gridLines(rows: readonly RowInfo[], groups: readonly GroupInfo[], collapsed: ReadonlySet<string>): GridLine[] {
  const groupOf = new Map<string, GroupInfo>();
  for (const group of groups) for (const key of group.runKeys) groupOf.set(key, group);
  const lines: GridLine[] = [];
  const opened = new Set<string>();
  rows.forEach((row, index) => {
    const group = groupOf.get(row.key);
    if (group === undefined) {
      lines.push({ kind: 'run', key: row.key, row: index, grouped: false });
      return;
    }
    if (!opened.has(group.id)) {
      opened.add(group.id);
      lines.push({ kind: 'group', key: groupKey(group.id), group, collapsed: collapsed.has(group.id) });
    }
    if (!collapsed.has(group.id)) lines.push({ kind: 'run', key: row.key, row: index, grouped: true });
  });
  return lines;
}

/** The runs a line stands for: its own, or every shown run of its group. */
export function lineRuns(line: GridLine, rows: readonly RowInfo[]): readonly string[] {
  return line.kind === 'group' ? line.group.runKeys : [rows[line.row]!.key];
}

/** The header's text: the sweep, its shown runs and their states, its best value, what it varies, its base spec (the long parts last: they may be cut). */
export function groupTitle(group: GroupInfo): string {
  const shown = group.runKeys.length === group.total ? `${group.total}` : `${group.runKeys.length} of ${group.total}`;
  const states = Object.entries(group.counts).filter(([, n]) => n > 0).map(([status, n]) => `${n} ${status}`).join(', ');
  const base = group.base.split(/[\\/]/).pop() ?? group.base;
  return [
    `sweep ${group.id}`,
    `${shown} run${group.total === 1 ? '' : 's'}${states === '' ? '' : ` (${states})`}`,
    ...(group.best === null ? [] : [`best ${group.best}`]),
    ...(group.parameters.length > 0 ? [`varies ${group.parameters.join(', ')}`] : []),
    ...(base !== '' ? [`base ${base}`] : []),
  ].join(' · ');
}

/** The most collapsed sweeps a layout remembers (the oldest are forgotten first). */
export const MAX_COLLAPSED = 500;

/**
 * Collapsing or expanding one group. A collapsed group filtered out for a while stays collapsed,
 * so the list keeps ids not shown now, up to MAX_COLLAPSED.
 */
export function toggleCollapsed(collapsed: readonly string[], id: string, collapse: boolean): string[] {
  const kept = collapsed.filter((c) => c !== id);
  return collapse ? [...kept, id].slice(-MAX_COLLAPSED) : kept;
}
