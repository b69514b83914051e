// embeddings/: vectors.f32 (float32 little-endian, count × dim, row-major), meta.json (the header),
// samples.json (ids, labels, split per row), pca.f32 / umap.f32 (count × 2), sprite.png (images).
import { existsSync, unlinkSync } from 'node:fs';
import { writeFileAtomic, writeJsonAtomic } from '../shared/atomic';
import { describeCause, unreachableCause, ensureDir, FileError, readFloat32File, readJsonObject } from '../shared/files';
import type { EmbeddingsMeta, SampleIndex } from './format';
import { runPaths } from './paths';
import { RunDirectoryError } from './record';

export interface Embeddings {
  readonly meta: EmbeddingsMeta;
  readonly vectors: Float32Array;
  readonly samples: SampleIndex;
}

/** The header and the sample index without the vectors (1M × 128 floats are 512 MB). */
export type EmbeddingsIndex = Omit<Embeddings, 'vectors'>;

export function float32ToLittleEndian(values: Float32Array): Buffer {
  const out = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i]!, i * 4);
  return out;
}

export function littleEndianToFloat32(bytes: Buffer): Float32Array {
  const out = new Float32Array(bytes.length >> 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

export function writeEmbeddings(
  runDir: string,
  embeddings: Embeddings,
  projections: { readonly pca?: Float32Array; readonly umap?: Float32Array },
): void {
  const p = runPaths(runDir);
  ensureDir(p.embeddings, 'embeddings folder');
  const { meta, vectors, samples } = embeddings;
  if (vectors.length !== meta.count * meta.dim) {
    throw new Error(`embeddings: ${vectors.length} values do not make ${meta.count} × ${meta.dim} vectors`);
  }
  // The marker goes first: a rewrite that is killed or fails half-way (disk full) leaves no
  // meta.json beside a mix of new and old files, so readers say the embeddings are incomplete.
  try {
    unlinkSync(p.embeddingsMeta);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new FileError(p.embeddingsMeta, `cannot be replaced: ${describeCause(e)}`);
  }
  writeFileAtomic(p.vectors, float32ToLittleEndian(vectors));
  if (projections.pca) writeFileAtomic(p.pca, float32ToLittleEndian(projections.pca));
  if (projections.umap) writeFileAtomic(p.umap, float32ToLittleEndian(projections.umap));
  writeJsonAtomic(p.samples, samples);
  // meta.json last: a reader that sees it knows the rest is complete.
  writeJsonAtomic(p.embeddingsMeta, meta);
}

export function hasEmbeddings(runDir: string): boolean {
  return existsSync(runPaths(runDir).embeddingsMeta);
}

export function readEmbeddings(runDir: string): Embeddings {
  return readStored(runDir, true);
}

/** What readEmbeddings reads, checked alike, but not vectors.f32: for the gallery's labels and ids. */
export function readEmbeddingsIndex(runDir: string): EmbeddingsIndex {
  return readStored(runDir, false);
}

function readStored(runDir: string, withVectors: true): Embeddings;
function readStored(runDir: string, withVectors: false): EmbeddingsIndex;
function readStored(runDir: string, withVectors: boolean): Embeddings | EmbeddingsIndex {
  const p = runPaths(runDir);
  if (!existsSync(runDir)) throw new RunDirectoryError(unreachableCause(runDir) !== null ? `${runDir}: cannot be opened: ${unreachableCause(runDir)}.` : `${runDir}: no such run folder; \`contrastive-lab list\` shows the runs.`);
  if (!existsSync(p.embeddingsMeta)) {
    if (existsSync(p.vectors) || existsSync(p.samples)) throw new RunDirectoryError(`${p.embeddingsMeta}: missing, so the embeddings are incomplete; rewrite them with \`contrastive-lab embed ${runDir}\`.`);
    throw new RunDirectoryError(`${p.embeddings}: no embeddings yet; they are written when a run completes, or run \`contrastive-lab embed ${runDir}\`.`);
  }
  const fix = `; rewrite the embeddings with \`contrastive-lab embed ${runDir}\``;
  try {
    const meta = readJsonObject<EmbeddingsMeta>(p.embeddingsMeta, 'embeddings header');
    if (!Number.isInteger(meta.count) || !Number.isInteger(meta.dim) || meta.count < 1 || meta.dim < 1) throw new FileError(p.embeddingsMeta, `"count" and "dim" must be positive whole numbers (got ${JSON.stringify(meta.count)} and ${JSON.stringify(meta.dim)}); the embeddings header is damaged`);
    const vectors = withVectors ? readFloat32File(p.vectors, meta.count * meta.dim, 'embeddings file') : null;
    const samples = readJsonObject<SampleIndex>(p.samples, 'sample index');
    for (const key of ['ids', 'labels', 'split'] as const) {
      if (!Array.isArray(samples[key]) || samples[key].length !== meta.count) throw new FileError(p.samples, `"${key}" should list ${meta.count} samples (meta.json's count) but ${Array.isArray(samples[key]) ? `lists ${samples[key].length}` : 'is missing'}; the sample index is damaged`);
    }
    return vectors === null ? { meta, samples } : { meta, vectors, samples };
  } catch (e) {
    if (e instanceof FileError) throw new RunDirectoryError(e.message + fix + '.');
    throw e;
  }
}

/** A 2-D projection (`pca` or `umap`) as count × 2 floats, or null when it was not written. */
export function readProjection(runDir: string, which: 'pca' | 'umap'): Float32Array | null {
  const file = which === 'pca' ? runPaths(runDir).pca : runPaths(runDir).umap;
  if (!existsSync(file)) return null;
  const values = readFloat32File(file, null, `${which} projection`);
  return values.length % 2 === 0 ? values : null;
}
