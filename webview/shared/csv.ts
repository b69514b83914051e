// CSV text (RFC 4180): fields with commas, quotes or line breaks are quoted, quotes doubled.
// Cells that a spreadsheet would run as a formula are prefixed with an apostrophe.

export type CsvCell = string | number | null | undefined;

export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return String(cell);
  const text = /^[=+\-@\t\r]/.test(cell) && !/^-?\d/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** A file name safe for the export validators: letters, digits, space, _ - . ( ). */
export function safeFileName(base: string, extension: string): string {
  const cleaned = base.replace(/[^A-Za-z0-9 _.()\-]+/g, '-').replace(/^[.\s-]+/, '').slice(0, 100) || 'export';
  return `${cleaned}${extension}`;
}
