// What the spec pipeline knows about a dataset without loading it: its size, whether it has labels
// and whether it holds images or vectors. Rules that need the size use this; callers that can look
// at the disk pass `probeDatasetOnDisk` to checkSpecText. The probe splits rows and lists images
// with the data loader's own pure modules (no tfjs, no sharp: the language server loads this), so
// `validate` and `train` count the same samples.
import { specialFileKind } from '../shared/files';
import { readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { csvRecords } from '../contrastive/data/csv';
import { IMAGE_EXTENSIONS, listImageEntries } from '../contrastive/data/imageFiles';
import { jsonlLabel, jsonlRecords } from '../contrastive/data/jsonl';
import type { DataFormat, DataSpec } from './types';

export interface DatasetInfo {
  /** Number of samples (before `limit` and the split). */
  readonly size: number;
  readonly labelled: boolean;
  readonly kind: 'images' | 'vectors';
  /** For csv/jsonl: the column names (header row / keys of the first object), when known. */
  readonly columns?: readonly string[];
  /** Number of distinct classes, when labelled and known. */
  readonly classes?: number;
  /** For csv/jsonl files without samples: nothing in the file, or (csv) a header and no rows. */
  readonly empty?: 'file' | 'header';
}

export type DatasetInfoHook = (data: DataSpec, specDir: string) => DatasetInfo | undefined;

export const BUILTIN_PREFIX = 'builtin:';
export const BUILTIN_DATASETS: Readonly<Record<string, DatasetInfo>> = Object.freeze({
  'builtin:digits': Object.freeze({ size: 10000, labelled: true, kind: 'images' as const, classes: 10 }),
});

export { IMAGE_EXTENSIONS };

/** The format implied by a `data.source` string. */
export function deriveFormat(source: string): DataFormat {
  if (source.startsWith(BUILTIN_PREFIX)) return 'builtin';
  const extension = extname(source).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  return 'images';
}

export function kindOf(format: DataFormat): 'images' | 'vectors' {
  return format === 'csv' || format === 'jsonl' ? 'vectors' : 'images';
}

/** Absolute path of a local data source (sources are relative to the spec file's folder). */
export function resolveDataPath(source: string, specDir: string): string {
  return isAbsolute(source) ? source : resolve(specDir, source);
}

/** Samples used after `limit`. */
export function usedSize(size: number, limit: number | null): number {
  return limit === null ? size : Math.min(size, limit);
}

/** Size of the training split: what remains after holding out round(size × testFraction). */
export function trainSplitSize(size: number, testFraction: number): number {
  return size - Math.round(size * testFraction);
}

const MAX_PROBE_BYTES = 256 * 1024 * 1024;

/** Looks at the data on disk: counts images per class folder, or rows of a csv/jsonl file. */
export function probeDatasetOnDisk(data: DataSpec, specDir: string): DatasetInfo | undefined {
  if (data.format === 'builtin') return BUILTIN_DATASETS[data.source];
  const path = resolveDataPath(data.source, specDir);
  try {
    if (data.format === 'images') return probeImageFolder(path);
    if (statSync(path).size > MAX_PROBE_BYTES || specialFileKind(path) !== null) return undefined;
    const text = readFileSync(path, 'utf8');
    return data.format === 'csv' ? probeCsv(text, data.labelColumn) : probeJsonl(text, data.labelColumn);
  } catch {
    return undefined; // unreadable: the missing-source rule reports it
  }
}

function probeImageFolder(path: string): DatasetInfo {
  const { entries, labelled } = listImageEntries(path);
  if (!labelled) return { size: entries.length, labelled: false, kind: 'images' };
  return { size: entries.length, labelled: true, kind: 'images', classes: new Set(entries.map((e) => e.className)).size };
}

// Malformed rows still count here (the loader reports them with their line number when training).
function probeCsv(text: string, labelColumn: string | null): DatasetInfo {
  const { header, rows } = csvRecords(text);
  if (header === null) return { size: 0, labelled: false, kind: 'vectors', empty: 'file' };
  if (rows.length === 0) return { size: 0, labelled: false, kind: 'vectors', columns: header.fields ?? [], empty: 'header' };
  const columns = header?.fields ?? [];
  const labelIndex = labelColumn === null ? -1 : columns.indexOf(labelColumn);
  if (labelIndex < 0) return { size: rows.length, labelled: false, kind: 'vectors', columns };
  const labels = new Set<string>();
  for (const row of rows) {
    const label = row.fields?.[labelIndex];
    if (label !== undefined && label !== '') labels.add(label);
  }
  return { size: rows.length, labelled: true, kind: 'vectors', columns, classes: labels.size };
}

function probeJsonl(text: string, labelColumn: string | null): DatasetInfo {
  const rows = jsonlRecords(text).map(({ text: line }) => {
    try {
      const row: unknown = JSON.parse(line);
      return row !== null && typeof row === 'object' && !Array.isArray(row) ? (row as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  });
  if (rows.length === 0) return { size: 0, labelled: false, kind: 'vectors', empty: 'file' };
  const columns = Object.keys(rows[0] ?? {});
  if (labelColumn === null || !columns.includes(labelColumn)) return { size: rows.length, labelled: false, kind: 'vectors', columns };
  const labels = new Set<string>();
  for (const row of rows) {
    const label = jsonlLabel(row, labelColumn);
    if (label !== null) labels.add(label);
  }
  return { size: rows.length, labelled: true, kind: 'vectors', columns, classes: labels.size };
}
