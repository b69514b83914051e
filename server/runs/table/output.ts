// A runs-table view as text for the terminal, as CSV and as JSON: the CLI's `runs` output. The
// text form formats cells for reading; CSV and JSON carry the raw values (fractions, seconds,
// ISO times) for scripts and spreadsheets.
import { formatCell } from './format';
import { describeCounts, type SweepGroup, type TableItem } from './groups';
import type { TableView } from './view';
import { valueText, type CellValue } from './values';

/** Longer cells are cut with an ellipsis in the terminal (notes, long spec strings). */
const MAX_CELL = 40;

function cut(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > MAX_CELL ? `${oneLine.slice(0, MAX_CELL - 1)}…` : oneLine;
}

/** Columns padded to their widest cell, two spaces apart, numbers right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly boolean[] = []): string {
  return paddedLines(header, rows, rightAligned).join('\n') + '\n';
}

/** The header line and each row's line, padded as textTable pads them. */
function paddedLines(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly boolean[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

export function viewAsText(view: TableView): string {
  const rows = view.rows.map((row) => view.columns.map((c) => cut(formatCell(c, row.cells.get(c.key)))));
  return textTable(view.columns.map((c) => c.title), rows, view.columns.map((c) => c.kind === 'result' && c.format !== 'text'));
}

/** The group's best under the sort as `kNN↓ 91.20%`, or null without one. */
export function groupBestText(view: Pick<TableView, 'available' | 'columns'>, group: SweepGroup): string | null {
  if (group.best === undefined) return null;
  const column = [...view.columns, ...view.available].find((c) => c.key === group.best!.column);
  if (column === undefined) return null;
  return `${column.title}${group.best.descending ? '↓' : '↑'} ${formatCell(column, group.best.value)}`;
}

/** A group's line in the terminal: the sweep, how many of its runs are shown and their states, its best value, what it varies, its base spec. */
export function groupLine(view: TableView, group: SweepGroup, base: (path: string) => string): string {
  const shown = group.rows.length === group.total ? `${group.total}` : `${group.rows.length} of ${group.total}`;
  const best = groupBestText(view, group);
  return [
    `sweep ${group.id}`,
    `${shown} run${group.total === 1 ? '' : 's'} (${describeCounts(group.counts)})`,
    ...(best === null ? [] : [`best ${best}`]),
    ...(group.parameters.length > 0 ? [`varies ${group.parameters.join(', ')}`] : []),
    ...(group.base !== '' ? [`base ${base(group.base)}`] : []),
  ].join(' · ');
}

/** The table with each sweep's runs indented under a line naming the sweep (`runs --group sweep`). */
export function viewAsGroupedText(view: TableView, items: readonly TableItem[], base: (path: string) => string = (p) => p): string {
  const cells = (row: TableView['rows'][number], indent: string): string[] => view.columns.map((c, i) => `${i === 0 ? indent : ''}${cut(formatCell(c, row.cells.get(c.key)))}`);
  // A sweep's runs are indented under its line; runs of no sweep keep the left edge.
  const rows = items.flatMap((item) => (item.kind === 'run' ? [cells(item.row, '')] : item.group.rows.map((r) => cells(r, '  '))));
  const [header, ...lines] = paddedLines(view.columns.map((c) => c.title), rows, view.columns.map((c) => c.kind === 'result' && c.format !== 'text'));
  const out = [header!];
  let at = 0;
  for (const item of items) {
    if (item.kind === 'group') {
      out.push(`▾ ${groupLine(view, item.group, base)}`);
      for (let i = 0; i < item.group.rows.length; i++) out.push(lines[at++]!);
    } else out.push(lines[at++]!);
  }
  return out.join('\n') + '\n';
}

/** The groups of a grouped view for --json: each sweep with its shown runs' folders. */
export function groupsAsJson(items: readonly TableItem[]): object[] {
  return items.flatMap((item) => (item.kind !== 'group' ? [] : [{
    id: item.group.id, base: item.group.base, parameters: item.group.parameters, total: item.group.total, counts: item.group.counts,
    best: item.group.best ?? null, runs: item.group.rows.map((r) => r.dir),
  }]));
}

// The same rules as the dashboard's CSV export (webview/shared/csv.ts; a webview cannot share server code):
// RFC 4180 quoting, and cells a spreadsheet would run as a formula prefixed with an apostrophe.
function csvField(value: CellValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = Array.isArray(value) ? valueText(value) : (value as string);
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Header of column keys (what --columns and filters name), then one line per run. */
export function viewAsCsv(view: TableView): string {
  const lines = [view.columns.map((c) => csvField(c.key)).join(',')];
  for (const row of view.rows) lines.push(view.columns.map((c) => csvField(row.cells.get(c.key))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** `{columns: [{key, title, kind, format, changed}], runs: [{dir, <key>: value|null}]}`. */
export function viewAsJson(view: TableView, items?: readonly TableItem[]): string {
  return JSON.stringify({
    columns: view.columns.map(({ key, title, kind, format, changed }) => ({ key, title, kind, format, changed })),
    runs: view.rows.map((row) => ({ dir: row.dir, ...Object.fromEntries(view.columns.map((c) => [c.key, row.cells.get(c.key) ?? null])) })),
    ...(items === undefined ? {} : { groups: groupsAsJson(items) }),
  }, null, 2) + '\n';
}
