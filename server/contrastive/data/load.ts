// Loads the data a spec names: decode (or read the cache), apply the sample limit, split
// deterministically by the split seed, normalise with training statistics.
import { specialFileKind } from '../../shared/files';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { imageCacheKey, readImageCache, writeImageCache } from './cache';
import { parseCsvVectors } from './csv';
import { DIGITS_SOURCE, loadDigitsCooperative, type LoadCooperation } from './digits';
import { DataError } from './errors';
import { decodeImageFolder, listImageFolder } from './imageFolder';
import { parseJsonlVectors } from './jsonl';
import { normalizeValues, type Normalisation } from './normalize';
import { seededPermutation } from './permutation';
import type { RawDataset } from './raw';
import type { Dataset, SplitDataset } from './types';
import { copyRows } from './rows';

/** Where the samples come from and how they are prepared (data in a spec). */
export interface DataOptions {
  /** `builtin:digits`, an image folder, or a .csv / .jsonl file (relative to the spec's folder). */
  readonly source: string;
  readonly format: 'builtin' | 'images' | 'csv' | 'jsonl';
  /** For csv/jsonl: the column (or key) holding the label; null = unlabelled. */
  readonly labelColumn: string | null;
  readonly split: { readonly testFraction: number; readonly seed: number };
  /** Images are resized to imageSize × imageSize. */
  readonly imageSize: number;
  readonly channels: 1 | 3;
  readonly normalize: Normalisation;
  /** Use at most this many samples (before the split); null = all. */
  readonly limit: number | null;
}

export interface LoadOptions {
  /** Folder of the spec file: relative sources are resolved against it. */
  readonly specDir: string;
  /** Where decoded image folders are cached; null disables the cache. */
  readonly cacheDir: string | null;
  /** A caller that can stop a long load (the trainer on SIGTERM); checked between files of builtin:digits. */
  readonly cooperation?: LoadCooperation;
}

/** The absolute path a non-builtin source refers to. */
export function resolveSource(source: string, specDir: string): string {
  return isAbsolute(source) ? source : resolve(specDir, source);
}

function readText(path: string): string {
  const special = specialFileKind(path);
  if (special !== null) throw new DataError(path, `is ${special}, not a regular file; point data.source at a file on disk.`);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new DataError(path, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}

export function checkSourceExists(spec: DataOptions, specDir: string): string {
  const path = resolveSource(spec.source, specDir);
  if (!existsSync(path)) {
    throw new DataError(path, `does not exist${isAbsolute(spec.source) ? '' : ` (data.source "${spec.source}" is relative to the spec file's folder)`}; fix the path or use builtin:digits.`);
  }
  const isDir = statSync(path).isDirectory();
  if (spec.format === 'images' && !isDir) throw new DataError(path, 'data.format is images, so data.source must be a folder of images (or of class sub-folders).');
  if (spec.format !== 'images' && isDir) throw new DataError(path, `data.format is ${spec.format}, so data.source must be a file, not a folder.`);
  return path;
}

export async function loadRaw(spec: DataOptions, options: LoadOptions): Promise<RawDataset & { pixels?: Uint8Array; skipped?: string[] }> {
  if (spec.format === 'builtin') {
    if (spec.source !== DIGITS_SOURCE) throw new DataError('data.source', `unknown built-in data set "${spec.source}"; the built-in one is ${DIGITS_SOURCE}.`);
    return loadDigitsCooperative(options.cooperation);
  }
  const path = checkSourceExists(spec, options.specDir);
  if (spec.format === 'csv') return parseCsvVectors(readText(path), path, spec.labelColumn);
  if (spec.format === 'jsonl') return parseJsonlVectors(readText(path), path, spec.labelColumn);
  const { files, labelled, skipped } = listImageFolder(path);
  const key = imageCacheKey(path, files, spec.imageSize, spec.channels);
  const cached = options.cacheDir !== null ? readImageCache(options.cacheDir, key, path) : null;
  if (cached) return { ...cached, skipped };
  const decoded = await decodeImageFolder(path, files, labelled, spec.imageSize, spec.channels);
  if (options.cacheDir !== null) writeImageCache(options.cacheDir, key, decoded);
  return { ...decoded, skipped };
}

/** Which samples are kept (the limit), and which of those are held out: a function of the split seed only. */
export function splitIndices(count: number, limit: number | null, testFraction: number, seed: number): { keep: Int32Array; train: Int32Array; test: Int32Array } {
  const order = seededPermutation(count, seed);
  const kept = limit !== null && limit < count ? order.slice(0, limit) : order;
  const testCount = Math.round(kept.length * testFraction);
  const keep = Int32Array.from(kept).sort();
  const position = new Map<number, number>();
  keep.forEach((original, i) => position.set(original, i));
  const test = Int32Array.from(kept.subarray(0, testCount), (o) => position.get(o)!).sort();
  const train = Int32Array.from(kept.subarray(testCount), (o) => position.get(o)!).sort();
  return { keep, train, test };
}

function subset(raw: RawDataset & { pixels?: Uint8Array }, keep: Int32Array): RawDataset & { pixels?: Uint8Array } {
  if (keep.length === raw.count) return raw;
  const per = raw.sampleShape.reduce((a, b) => a * b, 1);
  const values = copyRows(raw.values, per, keep);
  const pixels = raw.pixels ? copyRows(raw.pixels, per, keep) : undefined;
  return {
    ...raw,
    count: keep.length,
    values,
    ...(pixels ? { pixels } : {}),
    labels: raw.labels ? Int32Array.from(keep, (s) => raw.labels![s]!) : null,
    ids: Array.from(keep, (s) => raw.ids[s]!),
  };
}

/** Grey values 0..255 as bytes. A plain loop: Uint8Array.from with a mapping function took seconds for the digits. */
function toPixels(values: Float32Array): Uint8Array {
  const pixels = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) pixels[i] = Math.max(0, Math.min(255, Math.round(values[i]!)));
  return pixels;
}

export async function loadData(spec: DataOptions, options: LoadOptions): Promise<SplitDataset> {
  const raw = await loadRaw(spec, options);
  const { keep, train, test } = splitIndices(raw.count, spec.limit, spec.split.testFraction, spec.split.seed);
  const kept = subset(raw, keep);
  const x = normalizeValues(kept.values, kept.sampleShape, kept.kind, train, spec.normalize);
  const pixels = kept.kind === 'images' ? (kept.pixels ?? toPixels(kept.values)) : null;
  const dataset: Dataset = {
    kind: kept.kind,
    source: kept.source,
    sampleShape: kept.sampleShape,
    count: kept.count,
    x,
    labels: kept.labels,
    classNames: kept.classNames,
    ids: kept.ids,
    pixels,
  };
  return { dataset, train, test, ...(raw.skipped && raw.skipped.length > 0 ? { skipped: raw.skipped } : {}) };
}
