// Pairs from a CSV or JSON Lines file: one pair per row, each side read from the columns its spec
// names (an image path, a text, or numeric columns), with an optional label column. Every problem
// names `path:line`, the side and its column, and how to fix it. Pure Node: image paths are checked
// to exist here and decoded later (decode.ts).
import { statSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { csvRecords } from '../csv';
import { DataError } from '../errors';
import { IMAGE_EXTENSIONS } from '../imageFiles';
import { jsonlRecords } from '../jsonl';
import { indexLabels } from '../raw';
import type { PairedRows, PairSide, PairSideName, PairSideSpec } from './types';

export interface PairFileOptions {
  readonly a: PairSideSpec;
  readonly b: PairSideSpec;
  /** The label column, or null for unlabelled pairs. */
  readonly labelColumn: string | null;
}

/** A row as a lookup of its fields by column name (undefined = the column is absent). */
interface Row {
  readonly line: number;
  field(column: string): unknown;
}

function columnsOf(spec: PairSideSpec): readonly string[] {
  return 'image' in spec ? [spec.image] : 'text' in spec ? [spec.text] : spec.numeric;
}

function csvRows(text: string, file: string, needed: readonly string[]): Row[] {
  const { header, rows } = csvRecords(text);
  if (header === null) throw new DataError(file, 'the file is empty; add a header line naming the columns, then one line per pair.');
  if (header.fields === null) throw new DataError(`${file}:${header.line}`, 'unterminated quote in the header row.');
  const names = header.fields;
  const missing = needed.filter((c) => !names.includes(c));
  if (missing.length > 0) throw new DataError(`${file}:${header.line}`, `the header has no column ${missing.map((c) => `"${c}"`).join(', ')} (it has ${names.map((c) => `"${c}"`).join(', ')}); name the columns in data.pairs as the header spells them.`);
  if (rows.length === 0) throw new DataError(file, 'has a header but no rows; add one line per pair below it.');
  return rows.map(({ line, fields }) => {
    if (fields === null) throw new DataError(`${file}:${line}`, 'unterminated quote; close the quoted field (a quote inside one is written "").');
    if (fields.length !== names.length) throw new DataError(`${file}:${line}`, `${fields.length} fields but the header has ${names.length}; quote a field that holds a comma.`);
    return { line, field: (column: string) => fields[names.indexOf(column)] };
  });
}

function jsonlRows(text: string, file: string): Row[] {
  const records = jsonlRecords(text);
  if (records.length === 0) throw new DataError(file, 'the file is empty; add one JSON object per line, e.g. {"image": "a.png", "caption": "a cat"}.');
  return records.map(({ line, text: body }) => {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (e) {
      throw new DataError(`${file}:${line}`, `not valid JSON (${(e as Error).message}); each line must be one JSON object.`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new DataError(`${file}:${line}`, 'each line must be a JSON object such as {"image": "a.png", "caption": "a cat"}.');
    const record = value as Record<string, unknown>;
    return { line, field: (column: string) => record[column] };
  });
}

/** Reads one side of every row; the first bad row is an error naming `path:line`, the side and the column. */
function readSide(rows: readonly Row[], file: string, side: PairSideName, spec: PairSideSpec): PairSide {
  const fail = (row: Row, column: string, message: string): never => {
    throw new DataError(`${file}:${row.line}`, `side ${side} (column "${column}"): ${message}`);
  };
  if ('numeric' in spec) {
    if (spec.numeric.length === 0) throw new DataError(file, `side ${side}: numeric names no columns; list the feature columns, e.g. numeric: [x1, x2].`);
    const values = new Float32Array(rows.length * spec.numeric.length);
    rows.forEach((row, r) =>
      spec.numeric.forEach((column, k) => {
        const raw = row.field(column);
        const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
        if (!Number.isFinite(value)) fail(row, column, `${raw === undefined ? 'is missing' : `${JSON.stringify(raw)} is not a finite number`}; every row needs a number here.`);
        values[r * spec.numeric.length + k] = value;
      }),
    );
    return { kind: 'numeric', columns: spec.numeric, dim: spec.numeric.length, values };
  }
  const column = 'image' in spec ? spec.image : spec.text;
  const strings = rows.map((row) => {
    const raw = row.field(column);
    if (typeof raw !== 'string' || raw.trim() === '') fail(row, column, `${raw === undefined ? 'is missing' : typeof raw === 'string' ? 'is empty' : `${JSON.stringify(raw)} is not a string`}; every row needs ${'image' in spec ? 'an image path' : 'a text'} here.`);
    return (raw as string).trim();
  });
  if ('text' in spec) return { kind: 'text', texts: strings };
  const paths = strings.map((path, r) => {
    const row = rows[r]!;
    const full = isAbsolute(path) ? path : resolve(dirname(file), path);
    if (!IMAGE_EXTENSIONS.includes(extname(full).toLowerCase())) fail(row, column, `"${path}" is not an image file name (${IMAGE_EXTENSIONS.join(', ')}); is this the image column?`);
    const stat = statSync(full, { throwIfNoEntry: false });
    if (stat === undefined) fail(row, column, `the image "${path}" does not exist (looked for ${full}); paths are relative to the file's folder.`);
    else if (!stat.isFile()) fail(row, column, `"${path}" is not a regular file.`);
    else if (stat.size === 0) fail(row, column, `the image "${path}" is empty (0 bytes); replace it or drop the row.`);
    return full;
  });
  return { kind: 'image', paths, origins: rows.map((row) => ({ where: `${file}:${row.line}`, what: `side ${side} (column "${column}")` })) };
}

/** The pairs of a `.csv` or `.jsonl` file (`text` is its content). */
export function parsePairFile(text: string, file: string, options: PairFileOptions): PairedRows {
  const jsonl = extname(file).toLowerCase() === '.jsonl';
  const needed = [...columnsOf(options.a), ...columnsOf(options.b), ...(options.labelColumn === null ? [] : [options.labelColumn])];
  const rows = jsonl ? jsonlRows(text, file) : csvRows(text, file, needed);
  const a = readSide(rows, file, 'a', options.a);
  const b = readSide(rows, file, 'b', options.b);
  let labelled: { labels: Int32Array; classNames: string[] } | null = null;
  if (options.labelColumn !== null) {
    const column = options.labelColumn;
    const raw = rows.map((row) => {
      const value = row.field(column);
      if ((typeof value !== 'string' || value.trim() === '') && typeof value !== 'number') throw new DataError(`${file}:${row.line}`, `the label column "${column}" is ${value === undefined ? 'missing' : 'empty'}; give every row a label or drop labelColumn.`);
      return String(value).trim();
    });
    labelled = indexLabels(raw);
  }
  return { source: file, count: rows.length, a, b, ids: rows.map((row) => `line:${row.line}`), labels: labelled?.labels ?? null, classNames: labelled?.classNames ?? null };
}
