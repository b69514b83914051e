// Display text of a runs-table cell, shared by the terminal table, CSV-free views and the editor:
// fractions as percentages, seconds as durations, ISO times as `yyyy-mm-dd hh:mm`, parameters as
// the spec says them.
import { formatDuration } from '../../trainer/progress';
import type { ColumnDef, ColumnFormat } from './columns';
import { valueText, type CellValue } from './values';

function shortNumber(n: number): string {
  if (Number.isInteger(n) || Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en');
  return Number(n.toPrecision(4)).toString();
}

export function formatCell(column: ColumnDef, value: CellValue | undefined): string {
  if (value === undefined) return '';
  if (column.kind === 'param') return valueText(value);
  if (Array.isArray(value)) return value.join(', ');
  if (column.format === 'star') return value === true ? '★' : '';
  if (typeof value !== 'number') return column.format === 'date' && typeof value === 'string' ? value.replace('T', ' ').slice(0, 16) : valueText(value);
  return formatNumber(column.format, value);
}

export function formatNumber(format: ColumnFormat, n: number): string {
  if (format === 'percent') return `${(n * 100).toFixed(2)}%`;
  if (format === 'seconds') return formatDuration(n);
  return shortNumber(n);
}

/** A signed difference in the column's unit: `+2.80 pp`, `-0:12`, `+0.013`. */
export function formatDelta(column: ColumnDef, delta: number): string {
  const sign = delta > 0 ? '+' : delta < 0 ? '-' : '±';
  const size = Math.abs(delta);
  if (column.format === 'percent') return `${sign}${(size * 100).toFixed(2)} pp`;
  return `${sign}${formatNumber(column.format, size)}`;
}
