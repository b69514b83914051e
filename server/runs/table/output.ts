// A runs-table view as text for the terminal, as CSV and as JSON: the CLI's `runs` output. The
// text form formats cells for reading; CSV and JSON carry the raw values (fractions, seconds,
// ISO times) for scripts and spreadsheets.
import { formatCell } from './format';
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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function viewAsText(view: TableView): string {
  const rows = view.rows.map((row) => view.columns.map((c) => cut(formatCell(c, row.cells.get(c.key)))));
  return textTable(view.columns.map((c) => c.title), rows, view.columns.map((c) => c.kind === 'result' && c.format !== 'text'));
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
export function viewAsJson(view: TableView): string {
  return JSON.stringify({
    columns: view.columns.map(({ key, title, kind, format, changed }) => ({ key, title, kind, format, changed })),
    runs: view.rows.map((row) => ({ dir: row.dir, ...Object.fromEntries(view.columns.map((c) => [c.key, row.cells.get(c.key) ?? null])) })),
  }, null, 2) + '\n';
}
