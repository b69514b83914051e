// What the TypeScript side adds to embeddings the PyTorch engine wrote (it writes vectors.f32 and its
// PCA map, pca.f32, itself): the UMAP map when asked for (from the vectors already read, on the
// library's neighbour search) and the thumbnail sprite sheet of image data, rendered from the data
// while the engine trains — the same code as the tfjs trainer's (embed.ts, sprite.ts), so the map and
// the gallery cannot tell the engines apart. Each file is written atomically and meta.json last,
// replaced in one rename: a reader never finds it missing.
import type { BackendRequest } from '../../contrastive/backend';
import type { Dataset } from '../../contrastive/data/types';
import { float32ToLittleEndian, readEmbeddings } from '../../runs/embeddings';
import type { EmbeddingsMeta, SpriteLayout } from '../../runs/format';
import { runPaths } from '../../runs/paths';
import { writeFileAtomic, writeJsonAtomic } from '../../shared/atomic';
import { readJsonObject } from '../../shared/files';
import { renderSprite, spriteLayout } from '../sprite';

export interface SpriteSheet {
  readonly layout: SpriteLayout;
  readonly png: Buffer;
}

/** The sprite sheet of image data (null for other data), as embed.ts's writeSprite renders it. */
export async function renderDataSprite(dataset: Dataset): Promise<SpriteSheet | null> {
  if (dataset.kind !== 'images' || dataset.pixels === null) return null;
  const [size, , channels] = dataset.sampleShape as [number, number, 1 | 3];
  const layout = spriteLayout(dataset.count, size);
  return { layout, png: await renderSprite(dataset.pixels, dataset.count, size, channels, layout) };
}

/** `dataCount`: the samples of the run's data (the sprite shows them in order). Returns the files written. */
export async function addProjections(runDir: string, dataCount: number, sprite: SpriteSheet | null, options: { seed: number; umap: boolean; backend: BackendRequest }): Promise<string[]> {
  const p = runPaths(runDir);
  // The vectors are read (and checked against the header) only for UMAP; the sprite needs the header alone.
  const embeddings = options.umap ? readEmbeddings(runDir) : null;
  const meta = embeddings?.meta ?? readJsonObject<EmbeddingsMeta>(p.embeddingsMeta, 'embeddings header');
  if (meta.count !== dataCount) throw new Error(`${p.embeddingsMeta}: ${meta.count} vectors, but the data has ${dataCount} samples; the embeddings do not belong to this data`);
  const files: string[] = [];
  const projections = [...meta.projections];
  if (embeddings !== null) {
    // The neighbour search behind UMAP runs on tfjs: the spec's backend, as the tfjs trainer would pick it
    // (loaded only here: a run without UMAP never loads tfjs).
    const [{ initBackend }, { umap2d }] = await Promise.all([import('../../contrastive/backend'), import('../embed')]);
    await initBackend(options.backend);
    const umap = await umap2d(embeddings.vectors, meta.count, meta.dim, options.seed);
    if (umap !== undefined) {
      writeFileAtomic(p.umap, float32ToLittleEndian(umap));
      files.push('umap.f32');
      projections.push('umap');
    }
  }
  if (sprite !== null) {
    writeFileAtomic(p.sprite, sprite.png);
    files.push('sprite.png');
  }
  const next: EmbeddingsMeta = { ...meta, projections, sprite: sprite?.layout ?? null };
  writeJsonAtomic(p.embeddingsMeta, next);
  files.push('meta.json');
  return files;
}
