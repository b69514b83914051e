// What the spec pipeline knows about a dataset without loading it: its size, whether it has labels
// and whether it holds images or vectors. Rules that need the size use this; callers that can look
// at the disk pass `probeDatasetOnDisk` (or their own hook) to checkSpecText.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, resolve } from 'node:path';
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
}

export type DatasetInfoHook = (data: DataSpec, specDir: string) => DatasetInfo | undefined;

export const BUILTIN_PREFIX = 'builtin:';
export const BUILTIN_DATASETS: Readonly<Record<string, DatasetInfo>> = Object.freeze({
  'builtin:digits': Object.freeze({ size: 10000, labelled: true, kind: 'images' as const, classes: 10 }),
});

export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp'];

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
    if (statSync(path).size > MAX_PROBE_BYTES) return undefined;
    return data.format === 'csv' ? probeCsv(path, data.labelColumn) : probeJsonl(path, data.labelColumn);
  } catch {
    return undefined; // unreadable: the missing-source rule reports it
  }
}

function probeImageFolder(path: string): DatasetInfo | undefined {
  const entries = readdirSync(path, { withFileTypes: true });
  const isImage = (name: string): boolean => IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
  let classImages = 0;
  let classes = 0;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const images = readdirSync(join(path, entry.name)).filter(isImage).length;
    classImages += images;
    if (images > 0) classes++;
  }
  if (classImages > 0) return { size: classImages, labelled: true, kind: 'images', classes };
  return { size: entries.filter((e) => e.isFile() && isImage(e.name)).length, labelled: false, kind: 'images' };
}

function readText(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(statSync(path).size);
    readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function probeCsv(path: string, labelColumn: string | null): DatasetInfo {
  const lines = readText(path).split(/\r?\n/).filter((l) => l.trim() !== '');
  const unquote = (cell: string): string => cell.trim().replace(/^"(.*)"$/, '$1');
  const columns = (lines[0] ?? '').split(',').map(unquote);
  const labelIndex = labelColumn === null ? -1 : columns.indexOf(labelColumn);
  const size = Math.max(0, lines.length - 1);
  if (labelIndex < 0) return { size, labelled: false, kind: 'vectors', columns };
  const labels = new Set(lines.slice(1).map((line) => unquote(line.split(',')[labelIndex] ?? '')));
  return { size, labelled: true, kind: 'vectors', columns, classes: labels.size };
}

function probeJsonl(path: string, labelColumn: string | null): DatasetInfo {
  const lines = readText(path).split(/\r?\n/).filter((l) => l.trim() !== '');
  const rows = lines.map((line) => {
    try {
      const row: unknown = JSON.parse(line);
      return row !== null && typeof row === 'object' && !Array.isArray(row) ? (row as Record<string, unknown>) : {};
    } catch {
      return {}; // the trainer reports malformed lines with their line number
    }
  });
  const columns = Object.keys(rows[0] ?? {});
  if (labelColumn === null || !columns.includes(labelColumn)) return { size: lines.length, labelled: false, kind: 'vectors', columns };
  const classes = new Set(rows.map((row) => JSON.stringify(row[labelColumn] ?? null))).size;
  return { size: lines.length, labelled: true, kind: 'vectors', columns, classes };
}
