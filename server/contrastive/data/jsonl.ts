// Vectors from a JSON Lines file: one object per line. The features are either the one array
// field of the object (e.g. {"vector": [...], "label": "cat"}) or all its numeric fields in the
// order of the first line; the label is the field named by data.labelColumn.
// Pure Node (no tfjs, no sharp): the spec pipeline's dataset probe reads lines with jsonlRecords too.
import { DataError } from './errors';
import { vectorDataset, type RawDataset } from './raw';

function featuresOf(obj: Record<string, unknown>, labelColumn: string | null, where: string, keys: readonly string[] | null): { values: number[]; keys: string[] } {
  const arrays = Object.entries(obj).filter(([k, v]) => k !== labelColumn && Array.isArray(v));
  if (arrays.length === 1) {
    const [key, arr] = arrays[0]! as [string, unknown[]];
    const values = arr.map((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new DataError(where, `"${key}"[${i}] is ${JSON.stringify(v)}, not a finite number.`);
      return v;
    });
    return { values, keys: [key] };
  }
  if (arrays.length > 1) throw new DataError(where, `several array fields (${arrays.map(([k]) => k).join(', ')}); keep one array of features per line.`);
  const names: string[] = keys ? [...keys] : Object.keys(obj).filter((k) => k !== labelColumn);
  const values = names.map((k) => {
    const v = obj[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new DataError(where, `field "${k}" is ${v === undefined ? 'missing' : JSON.stringify(v)}; every line needs the same numeric fields as the first${labelColumn === null ? ' (if it is the label, set data.labelColumn to it)' : ''}.`);
    }
    return v;
  });
  return { values, keys: names };
}

export interface JsonlRecord {
  /** 1-based line number in the file. */
  readonly line: number;
  /** The trimmed line. */
  readonly text: string;
}

/** The non-blank lines of a JSON Lines text (a BOM is skipped): one record, i.e. one sample, each. */
export function jsonlRecords(text: string): JsonlRecord[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const records: JsonlRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line !== '') records.push({ line: i + 1, text: line });
  }
  return records;
}

/** A label value as the loader reads it: a string or number, else null (missing or unusable). */
export function jsonlLabel(record: Readonly<Record<string, unknown>>, labelColumn: string): string | null {
  const label = record[labelColumn];
  return typeof label === 'string' || typeof label === 'number' ? String(label) : null;
}

export function parseJsonlVectors(text: string, file: string, labelColumn: string | null): RawDataset {
  const values: number[] = [];
  const rawLabels: string[] = [];
  const ids: string[] = [];
  let keys: string[] | null = null;
  let dim = -1;
  for (const { line: lineNumber, text: line } of jsonlRecords(text)) {
    const where = `${file}:${lineNumber}`;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new DataError(where, `not valid JSON (${(e as Error).message}); each line must be one JSON object.`);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new DataError(where, 'each line must be a JSON object such as {"vector": [0.1, 0.2], "label": "a"}.');
    const record = obj as Record<string, unknown>;
    const features = featuresOf(record, labelColumn, where, keys !== null && keys.length > 1 ? keys : null);
    if (dim < 0) {
      dim = features.values.length;
      keys = features.keys;
      if (dim === 0) throw new DataError(where, 'no numeric features on this line.');
    } else if (features.values.length !== dim) {
      throw new DataError(where, `${features.values.length} features but the first line has ${dim}; every sample needs the same length.`);
    }
    values.push(...features.values);
    if (labelColumn !== null) {
      const label = jsonlLabel(record, labelColumn);
      if (label === null) throw new DataError(where, `the label field "${labelColumn}" (data.labelColumn) is missing or not a string/number.`);
      rawLabels.push(label);
    }
    ids.push(`line:${lineNumber}`);
  }
  if (ids.length === 0) throw new DataError(file, 'the file is empty; add rows: one JSON object per line, e.g. {"x": [0.1, 0.2], "label": "a"}.');
  return vectorDataset(file, dim, values, ids, labelColumn !== null ? rawLabels : null);
}
