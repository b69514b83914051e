// What the TypeScript side adds to embeddings another engine wrote: the PCA (and UMAP) maps from
// vectors.f32, and the thumbnail sprite sheet for image data — the same code as the tfjs trainer's
// (embed.ts, sprite.ts), so the map and the gallery cannot tell the engines apart. Each file is
// written atomically and meta.json last, replaced in one rename: a reader never finds it missing.
import { initBackend, type BackendRequest } from '../../contrastive/backend';
import type { SplitDataset } from '../../contrastive/data/types';
import { float32ToLittleEndian, type Embeddings } from '../../runs/embeddings';
import type { EmbeddingsMeta } from '../../runs/format';
import { runPaths } from '../../runs/paths';
import { writeFileAtomic, writeJsonAtomic } from '../../shared/atomic';
import { projections2d, writeSprite } from '../embed';

/** Returns the files written. */
export async function addProjections(runDir: string, embeddings: Embeddings, data: SplitDataset, options: { seed: number; umap: boolean; backend: BackendRequest }): Promise<string[]> {
  const p = runPaths(runDir);
  const { meta, vectors } = embeddings;
  const { dataset } = data;
  if (meta.count !== dataset.count) throw new Error(`${p.embeddingsMeta}: ${meta.count} vectors, but the data has ${dataset.count} samples; the embeddings do not belong to this data`);
  // The neighbour search behind UMAP runs on tfjs: the spec's backend, as the tfjs trainer would pick it.
  await initBackend(options.backend);
  const { pca, umap } = await projections2d(vectors, meta.count, meta.dim, { seed: options.seed, umap: options.umap });
  writeFileAtomic(p.pca, float32ToLittleEndian(pca));
  const files = ['pca.f32'];
  if (umap) {
    writeFileAtomic(p.umap, float32ToLittleEndian(umap));
    files.push('umap.f32');
  }
  const sprite = await writeSprite(runDir, dataset);
  if (sprite) files.push('sprite.png');
  const next: EmbeddingsMeta = { ...meta, projections: umap ? ['pca', 'umap'] : ['pca'], sprite };
  writeJsonAtomic(p.embeddingsMeta, next);
  files.push('meta.json');
  return files;
}
