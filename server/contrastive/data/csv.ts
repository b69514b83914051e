// Vectors from a CSV file: a header row, then one sample per row; every column is a number except
// the optional label column. Quoted fields ("a,b", "say ""hi""") are understood.
// Pure Node (no tfjs, no sharp): the spec pipeline's dataset probe splits rows with csvRecords too,
// so `validate` and `train` count the same rows.
import { DataError } from './errors';
import { vectorDataset, type RawDataset } from './raw';

/** Splits one CSV record; returns null when a quote is left open. */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) return null;
  fields.push(field);
  return fields.map((f) => f.trim());
}

export interface CsvRecord {
  /** 1-based line number in the file. */
  readonly line: number;
  /** The trimmed fields, or null when a quote is left open on this line. */
  readonly fields: string[] | null;
}

/** The header (first non-blank line) and the data rows of a CSV text; a BOM and blank lines are skipped. */
export function csvRecords(text: string): { header: CsvRecord | null; rows: CsvRecord[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let header: CsvRecord | null = null;
  const rows: CsvRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const record = { line: i + 1, fields: splitCsvLine(lines[i]!) };
    if (header === null) header = record;
    else rows.push(record);
  }
  return { header, rows };
}

export function parseCsvVectors(text: string, file: string, labelColumn: string | null): RawDataset {
  const records = csvRecords(text);
  if (records.header === null) throw new DataError(file, 'the file is empty; add rows: a header line naming the columns, then one line per sample.');
  if (records.rows.length === 0) throw new DataError(file, 'has a header but no data rows; add rows below the header, one line per sample.');
  const headerLine = records.header.line;
  const header = records.header.fields;
  if (header === null) throw new DataError(`${file}:${headerLine}`, 'unterminated quote in the header row.');
  let labelIndex = -1;
  if (labelColumn !== null) {
    labelIndex = header.indexOf(labelColumn);
    if (labelIndex < 0) {
      throw new DataError(`${file}:${headerLine}`, `no column named "${labelColumn}" (data.labelColumn); the header has: ${header.join(', ')}.`);
    }
  }
  const dim = header.length - (labelIndex >= 0 ? 1 : 0);
  if (dim === 0) throw new DataError(`${file}:${headerLine}`, 'no feature columns: every column but the label column must hold numbers.');
  const values: number[] = [];
  const rawLabels: string[] = [];
  const ids: string[] = [];
  for (const { line, fields } of records.rows) {
    const where = `${file}:${line}`;
    if (fields === null) throw new DataError(where, 'unterminated quote; close the quoted field on the same line.');
    if (fields.length !== header.length) {
      throw new DataError(where, `this row has ${fields.length} fields but the header has ${header.length}; every row needs one value per column.`);
    }
    fields.forEach((f, col) => {
      if (col === labelIndex) return;
      const v = Number(f);
      if (f === '' || !Number.isFinite(v)) {
        throw new DataError(where, `column "${header[col]}" holds "${f}", which is not a finite number${labelColumn === null ? ' (if it is the label, set data.labelColumn to it)' : ''}.`);
      }
      values.push(v);
    });
    if (labelIndex >= 0) {
      const label = fields[labelIndex]!;
      if (label === '') throw new DataError(where, `the label column "${labelColumn}" is empty.`);
      rawLabels.push(label);
    }
    ids.push(`line:${line}`);
  }
  return vectorDataset(file, dim, values, ids, labelIndex >= 0 ? rawLabels : null);
}
