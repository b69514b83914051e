// New inputs to search a run with, read the way the run read its own data (before normalisation):
// image files (or folders of them) decoded to the run's imageSize × imageSize × channels, and
// CSV / JSONL rows (vectors for a vector run, raw pixel values 0..255 for an image run). Every
// problem is a DataError naming the file (and line) and saying what to do.
import { readFileSync, statSync, type Stats } from 'node:fs';
import { extname, resolve } from 'node:path';
import { DataError } from '../contrastive/data/errors';
import { csvRecords, parseCsvVectors } from '../contrastive/data/csv';
import { decodeImage } from '../contrastive/data/imageFolder';
import { IMAGE_EXTENSIONS, listImageEntries } from '../contrastive/data/imageFiles';
import { parseJsonlVectors } from '../contrastive/data/jsonl';
import type { DatasetKind } from '../contrastive/data/types';
import { specialFileKind } from '../shared/files';

/** What the run's model takes, and how the run read its samples. */
export interface QueryFormat {
  readonly kind: DatasetKind;
  /** [height, width, channels] for images, [dim] for vectors (the checkpoint's input shape). */
  readonly inputShape: readonly number[];
  /** data.labelColumn: left out of CSV/JSONL queries when present. */
  readonly labelColumn: string | null;
}

export interface QueryBatch {
  /** One per query: the file, or `file:N` for line N of a CSV/JSONL file. */
  readonly ids: string[];
  readonly count: number;
  /** count × prod(inputShape) values, before normalisation (images: 0..255). */
  readonly values: Float32Array;
}

const TABLE_EXTENSIONS = ['.csv', '.jsonl'];

function describeShape(format: QueryFormat): string {
  const [h, w, c] = format.inputShape as [number, number?, number?];
  return format.kind === 'images' ? `${h} × ${w} × ${c} images (data.imageSize ${h}, data.channels ${c}), i.e. ${h * w! * c!} values per row` : `vectors of ${h} features`;
}

/** The stat of a query path, or a DataError that says why it cannot be read. */
function statQuery(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(path, code === 'ENOENT' ? 'no such file or folder; check the path of the query.' : `cannot be read (${code ?? (e as Error).message}); check its permissions.`);
  }
}

function readText(path: string): string {
  const special = specialFileKind(path);
  if (special !== null) throw new DataError(path, `is ${special}, not a regular file; give a file on disk as the query.`);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new DataError(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check its permissions.`);
  }
}

/** Whether the table's header (CSV) or first record (JSONL) names the label column. */
function tableHasColumn(text: string, file: string, column: string): boolean {
  if (extname(file).toLowerCase() === '.csv') return csvRecords(text).header?.fields?.includes(column) ?? false;
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/).find((line) => line.trim() !== '');
  if (first === undefined) return false;
  try {
    const parsed: unknown = JSON.parse(first);
    return typeof parsed === 'object' && parsed !== null && column in parsed;
  } catch {
    return false; // the parser below says what is wrong with the line
  }
}

/** Rows of a CSV/JSONL query file, checked against the model's input size. */
function readTable(file: string, format: QueryFormat): { ids: string[]; values: Float32Array } {
  const text = readText(file);
  const labelColumn = format.labelColumn !== null && tableHasColumn(text, file, format.labelColumn) ? format.labelColumn : null;
  const raw = extname(file).toLowerCase() === '.csv' ? parseCsvVectors(text, file, labelColumn) : parseJsonlVectors(text, file, labelColumn);
  const per = format.inputShape.reduce((a, b) => a * b, 1);
  const got = raw.sampleShape[0]!;
  if (got !== per) {
    let hint = '';
    if (format.kind === 'images') {
      const [h, w] = format.inputShape as [number, number, number];
      const channels = got / (h * w);
      if (channels === 1 || channels === 3) hint = ` (${h} × ${w} × ${channels}: ${channels === 1 ? 'greyscale' : 'RGB'} pixels, but the run takes ${format.inputShape[2]} channel${format.inputShape[2] === 1 ? '' : 's'})`;
    }
    throw new DataError(file, `each row has ${got} values${hint}; the run was trained on ${describeShape(format)}. Give rows of that size${format.kind === 'images' ? ', or the image files themselves' : ''}.`);
  }
  const lineNumbers = raw.ids.map((id) => id.replace(/^line:/, ''));
  return { ids: lineNumbers.map((n) => `${file}:${n}`), values: raw.values };
}

/** The image files a query path stands for: the file itself, or the images of a folder (and its class folders). */
function imageFilesOf(path: string, isDirectory: boolean): string[] {
  if (!isDirectory) return [path];
  const { entries } = listImageEntries(path);
  if (entries.length === 0) throw new DataError(path, `holds no images (${IMAGE_EXTENSIONS.join(', ')}); put the query images directly in the folder or in sub-folders.`);
  return entries.map((e) => e.path);
}

/**
 * Reads every query path (files and folders, resolved against `cwd`) in the order given; folders
 * contribute their images in name order. Throws a DataError on the first path that cannot be a query.
 */
export async function readQueries(paths: readonly string[], format: QueryFormat, cwd: string = process.cwd()): Promise<QueryBatch> {
  const per = format.inputShape.reduce((a, b) => a * b, 1);
  const ids: string[] = [];
  const chunks: Float32Array[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    const stat = statQuery(path);
    const extension = extname(path).toLowerCase();
    if (stat.isFile() && TABLE_EXTENSIONS.includes(extension)) {
      const rows = readTable(path, format);
      ids.push(...rows.ids);
      chunks.push(rows.values);
      continue;
    }
    if (stat.isFile() && !IMAGE_EXTENSIONS.includes(extension)) {
      throw new DataError(path, `is neither an image (${IMAGE_EXTENSIONS.join(', ')}) nor a table (.csv, .jsonl); give ${format.kind === 'images' ? 'image files, a folder of images or CSV/JSONL rows of pixels' : 'CSV or JSONL rows'}.`);
    }
    if (!stat.isFile() && !stat.isDirectory()) throw new DataError(path, 'is not a regular file or folder; give a file on disk as the query.');
    if (format.kind !== 'images') {
      throw new DataError(path, `${stat.isDirectory() ? 'is a folder' : 'is an image'}, but the run was trained on ${describeShape(format)}; give CSV or JSONL rows with that many values.`);
    }
    const [size, , channels] = format.inputShape as [number, number, 1 | 3];
    for (const file of imageFilesOf(path, stat.isDirectory())) {
      if (statQuery(file).size === 0) throw new DataError(file, 'is empty (0 bytes), not an image; give an image file.');
      // decodeImage resizes and converts channels exactly as the run's loader did.
      chunks.push(Float32Array.from(await decodeImage(file, size, channels)));
      ids.push(file);
    }
  }
  if (ids.length === 0) throw new DataError(paths.join(', '), 'no queries in these files; give at least one image or row.');
  const values = new Float32Array(ids.length * per);
  let offset = 0;
  for (const chunk of chunks) {
    values.set(chunk, offset);
    offset += chunk.length;
  }
  return { ids, count: ids.length, values };
}
