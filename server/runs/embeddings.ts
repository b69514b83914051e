// embeddings/: vectors.f32 (float32 little-endian, count × dim, row-major), meta.json (the header),
// samples.json (ids, labels, split per row), pca.f32 / umap.f32 (count × 2), sprite.png (images).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic, writeJsonAtomic } from './atomic';
import type { EmbeddingsMeta, SampleIndex } from './format';
import { runPaths } from './paths';
import { RunDirectoryError } from './record';

export interface Embeddings {
  readonly meta: EmbeddingsMeta;
  readonly vectors: Float32Array;
  readonly samples: SampleIndex;
}

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
  mkdirSync(p.embeddings, { recursive: true });
  const { meta, vectors, samples } = embeddings;
  if (vectors.length !== meta.count * meta.dim) {
    throw new Error(`embeddings: ${vectors.length} values do not make ${meta.count} × ${meta.dim} vectors`);
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
  const p = runPaths(runDir);
  if (!existsSync(p.embeddingsMeta)) {
    throw new RunDirectoryError(`${p.embeddings}: no embeddings yet; they are written when a run completes, or run \`contrastive-lab embed ${runDir}\`.`);
  }
  const meta = JSON.parse(readFileSync(p.embeddingsMeta, 'utf8')) as EmbeddingsMeta;
  const vectors = littleEndianToFloat32(readFileSync(p.vectors));
  if (vectors.length !== meta.count * meta.dim) {
    throw new RunDirectoryError(`${p.vectors}: holds ${vectors.length} floats but meta.json says ${meta.count} × ${meta.dim}; re-run \`contrastive-lab embed ${runDir}\`.`);
  }
  const samples = JSON.parse(readFileSync(p.samples, 'utf8')) as SampleIndex;
  return { meta, vectors, samples };
}

/** A 2-D projection (`pca` or `umap`) as count × 2 floats, or null when it was not written. */
export function readProjection(runDir: string, which: 'pca' | 'umap'): Float32Array | null {
  const file = which === 'pca' ? runPaths(runDir).pca : runPaths(runDir).umap;
  return existsSync(file) ? littleEndianToFloat32(readFileSync(file)) : null;
}
