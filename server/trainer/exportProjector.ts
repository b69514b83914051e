// `export --format projector`: the TensorBoard Embedding Projector layout — tensors.tsv (one
// vector per line), metadata.tsv (header + label/id/split/index per line), sprite.png and
// projector_config.pbtxt tying them together. Load the folder in projector.tensorflow.org. The
// projector loads at most 100,000 points, so a larger run is cut to a stratified, seeded sample of
// that size (with a warning), and its sprite sheet is re-cut to the sampled thumbnails.
import { closeSync, copyFileSync, existsSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describeCause, ensureDir, FileError, removeQuietly, writeFileChecked } from '../shared/files';
import { readEmbeddings } from '../runs/embeddings';
import type { SpriteLayout } from '../runs/format';
import { runPaths } from '../runs/paths';
import { exportRows } from './exportSample';
import { spriteLayout } from './sprite';

/** The TensorBoard projector reads no more points than this. */
export const PROJECTOR_MAX_POINTS = 100_000;
const ROWS_PER_WRITE = 2048;

export interface ExportResult {
  readonly files: string[];
  /** Points written, and the run's count. */
  readonly written: number;
  readonly total: number;
  /** Set when fewer points than the run has were written: why and how they were chosen. */
  readonly warning: string | null;
}

const clean = (s: string): string => s.replace(/[\t\r\n]/g, ' ');

/** Writes `count` lines made by `line`, a block at a time (a 100,000 × 512 export is never one string). */
function writeLines(file: string, count: number, line: (i: number) => string, header?: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'w');
    if (header !== undefined) writeSync(fd, header + '\n');
    for (let start = 0; start < count; start += ROWS_PER_WRITE) {
      const block: string[] = [];
      for (let i = start; i < Math.min(count, start + ROWS_PER_WRITE); i++) block.push(line(i));
      writeSync(fd, block.join('\n') + '\n');
    }
    closeSync(fd);
  } catch (e) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    removeQuietly(file);
    throw new FileError(file, `could not be written: ${describeCause(e)}`);
  }
}

/** A sprite sheet of the given rows' thumbnails, cut from the run's sheet (nearest pixel when they shrink). */
async function recutSprite(source: string, from: SpriteLayout, rows: Int32Array): Promise<{ png: Buffer; layout: SpriteLayout }> {
  const { data, info } = await sharp(source).raw().toBuffer({ resolveWithObject: true });
  const channels = info.channels;
  const layout = spriteLayout(rows.length, from.thumbWidth);
  const thumb = layout.thumbWidth;
  const width = layout.columns * thumb;
  const sheet = Buffer.alloc(width * layout.rows * thumb * channels, 255);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const sx0 = (r % from.columns) * from.thumbWidth;
    const sy0 = Math.floor(r / from.columns) * from.thumbHeight;
    const x0 = (i % layout.columns) * thumb;
    const y0 = Math.floor(i / layout.columns) * thumb;
    for (let y = 0; y < thumb; y++) {
      const sy = sy0 + Math.floor((y * from.thumbHeight) / thumb);
      for (let x = 0; x < thumb; x++) {
        const sx = sx0 + Math.floor((x * from.thumbWidth) / thumb);
        data.copy(sheet, ((y0 + y) * width + x0 + x) * channels, (sy * info.width + sx) * channels, (sy * info.width + sx + 1) * channels);
      }
    }
  }
  return { png: await sharp(sheet, { raw: { width, height: layout.rows * thumb, channels } }).png({ compressionLevel: 6 }).toBuffer(), layout };
}

export async function exportProjector(runDir: string, outDir: string, options: { seed?: number } = {}): Promise<ExportResult> {
  const { meta, vectors, samples } = readEmbeddings(runDir);
  const { rows, warning } = exportRows(samples, meta.count, PROJECTOR_MAX_POINTS, options.seed ?? 0, 'TensorBoard\'s projector');
  ensureDir(outDir, 'export folder');
  const dim = meta.dim;
  writeLines(join(outDir, 'tensors.tsv'), rows.length, (i) => {
    const r = rows[i]!;
    const row: string[] = [];
    for (let d = 0; d < dim; d++) row.push(String(vectors[r * dim + d]));
    return row.join('\t');
  });
  writeLines(join(outDir, 'metadata.tsv'), rows.length, (i) => {
    const r = rows[i]!;
    const label = samples.labels[r];
    const name = label === null || label === undefined ? '' : (meta.classNames?.[label] ?? String(label));
    return `${clean(name)}\t${clean(samples.ids[r]!)}\t${samples.split[r]}\t${r}`;
  }, 'label\tid\tsplit\tindex');
  const written = ['tensors.tsv', 'metadata.tsv'];
  const config = [
    'embeddings {',
    `  tensor_name: "${meta.layer}"`,
    `  tensor_shape: ${rows.length}`,
    `  tensor_shape: ${dim}`,
    '  tensor_path: "tensors.tsv"',
    '  metadata_path: "metadata.tsv"',
  ];
  const sprite = runPaths(runDir).sprite;
  if (meta.sprite !== null && existsSync(sprite)) {
    const target = join(outDir, 'sprite.png');
    let thumb: { width: number; height: number };
    try {
      if (rows.length === meta.count) {
        copyFileSync(sprite, target);
        thumb = { width: meta.sprite.thumbWidth, height: meta.sprite.thumbHeight };
      } else {
        const cut = await recutSprite(sprite, meta.sprite, rows);
        writeFileChecked(target, cut.png);
        thumb = { width: cut.layout.thumbWidth, height: cut.layout.thumbHeight };
      }
    } catch (e) {
      if (e instanceof FileError) throw e;
      throw new FileError(target, `could not be made from ${sprite}: ${describeCause(e)}`);
    }
    written.push('sprite.png');
    config.push('  sprite {', '    image_path: "sprite.png"', `    single_image_dim: ${thumb.width}`, `    single_image_dim: ${thumb.height}`, '  }');
  }
  config.push('}');
  writeFileChecked(join(outDir, 'projector_config.pbtxt'), config.join('\n') + '\n');
  written.push('projector_config.pbtxt');
  return { files: written, written: rows.length, total: meta.count, warning };
}
