// The embeddings of every sample at the end of a run (and with `contrastive-lab embed`): the
// vectors, per-sample ids/labels/split, PCA and UMAP projections and, for images, a sprite sheet.
import { ensureDir, writeFileAtomicChecked } from '../shared/files';
import { embeddingMatrix } from '../contrastive/eval/embeddingMatrix';
import { searchNearest } from '../contrastive/eval/search';
import type { Dataset, SplitDataset } from '../contrastive/data/types';
import { writeEmbeddings } from '../runs/embeddings';
import type { SpriteLayout } from '../runs/format';
import { runPaths } from '../runs/paths';
import { DEFAULT_UMAP_SAMPLE } from '../runs/projection';
import { sampledUmap } from '../runs/projectionUmap';
import { runDistance } from '../runs/runDistance';
import { memoryVectors } from '../runs/vectorBlocks';
import type { ResolvedSpec } from '../spec/types';
import { covarianceSumsOnBackend } from './backendCovariance';
import { pca2dWith } from './pca';
import { renderSprite, spriteLayout } from './sprite';
import { pause, umap2dCooperative, type Cooperation } from './umap';

export interface Embedder {
  embed(indices: Int32Array, layer: 'representation' | 'projection'): Float32Array;
  outputDim(layer: 'representation' | 'projection'): number;
}

/** The vectors an evaluation computed (eval.layer), by split: the final embeddings reuse them when no step came after. */
export interface EvaluatedEmbeddings {
  readonly step: number;
  readonly layer: 'representation' | 'projection';
  readonly train: Float32Array;
  readonly test: Float32Array | null;
}

export interface WrittenEmbeddings {
  readonly count: number;
  readonly dim: number;
  readonly files: string[];
}

const UMAP_NEIGHBORS = 15;
const EMBED_CHUNK = 1024;

/** The 2-D maps of the embeddings: PCA, and UMAP when asked for (and there are at 4 samples or more). */
export async function projections2d(vectors: Float32Array, count: number, dim: number, options: { seed: number; umap: boolean; labels?: Int32Array | null; cooperation?: Cooperation }): Promise<{ pca: Float32Array; umap?: Float32Array }> {
  const coop = options.cooperation;
  const pca = pca2dWith(vectors, count, dim, covarianceSumsOnBackend);
  await pause(coop);
  const umap = options.umap ? await umap2d(vectors, count, dim, options.seed, coop, options.labels ?? null) : undefined;
  return umap !== undefined ? { pca, umap } : { pca };
}

/**
 * The UMAP map of the embeddings (undefined under 4 samples), on the library's exact neighbour search
 * (a tfjs backend must be initialised). Above DEFAULT_UMAP_SAMPLE points, UMAP lays out a sample
 * (stratified by `labels` when given) and places the rest by their nearest sampled neighbours
 * (server/runs/projectionUmap.ts): umap-js on every point of a large run would take hours.
 */
export async function umap2d(vectors: Float32Array, count: number, dim: number, seed: number, coop?: Cooperation, labels: Int32Array | null = null): Promise<Float32Array | undefined> {
  if (count < 4) return undefined;
  if (count > DEFAULT_UMAP_SAMPLE) {
    const rowLabels = labels !== null ? Array.from(labels) : new Array<null>(count).fill(null);
    return sampledUmap(memoryVectors(vectors, count, dim), rowLabels, { sampleSize: DEFAULT_UMAP_SAMPLE, seed, distance: runDistance('euclidean', false), pause: () => pause(coop) });
  }
  // Exact neighbours from the library's search (self included, as UMAP expects) spare umap-js its approximate search.
  const k = Math.min(UMAP_NEIGHBORS, count);
  const matrix = embeddingMatrix(vectors, dim);
  const indices: number[][] = [];
  const distances: number[][] = [];
  // Queries in chunks, yielding between them, so a stop request is answered within a second here
  // too (each query's neighbours do not depend on the others: the same result as one search).
  for (let start = 0; start < count; start += EMBED_CHUNK) {
    const end = Math.min(count, start + EMBED_CHUNK);
    const found = searchNearest(matrix, embeddingMatrix(vectors.subarray(start * dim, end * dim), dim), { k, metric: 'euclidean' });
    for (let i = 0; i < end - start; i++) {
      indices.push(Array.from(found.indices.subarray(i * k, (i + 1) * k)));
      distances.push(Array.from(found.distances.subarray(i * k, (i + 1) * k)));
    }
    await pause(coop);
  }
  return umap2dCooperative(vectors, count, dim, { seed, nNeighbors: k, knn: { indices, distances } }, coop);
}

/** The thumbnail sprite sheet of image data, written to the run's embeddings folder; null (nothing written) for other data. */
export async function writeSprite(runDir: string, dataset: Dataset, cooperation?: Cooperation): Promise<SpriteLayout | null> {
  if (dataset.kind !== 'images' || dataset.pixels === null) return null;
  const [size, , channels] = dataset.sampleShape as [number, number, 1 | 3];
  const sprite = spriteLayout(dataset.count, size);
  const png = await renderSprite(dataset.pixels, dataset.count, size, channels, sprite);
  await pause(cooperation);
  ensureDir(runPaths(runDir).embeddings, 'embeddings folder');
  writeFileAtomicChecked(runPaths(runDir).sprite, png);
  return sprite;
}

/**
 * The vectors of the samples at `indices` that an evaluation computed, placed at those samples'
 * rows; a bitmap of the rows it covered. Each row of the network's output depends on that sample
 * alone (inference: batch norm uses its moving statistics, and our matrix product computes a row
 * the same way wherever it sits in the batch), so a reused row is the row embedding it again gives.
 */
function placeEvaluated(vectors: Float32Array, covered: Uint8Array, dim: number, indices: Int32Array, evaluated: Float32Array | null): void {
  if (evaluated === null) return;
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    vectors.set(evaluated.subarray(i * dim, (i + 1) * dim), row * dim);
    covered[row] = 1;
  }
}

/**
 * `evaluated`: the vectors the final evaluation computed with the same weights (its step must be
 * `step`), reused instead of embedding those samples again.
 */
export async function writeRunEmbeddings(runDir: string, embedder: Embedder, data: SplitDataset, spec: ResolvedSpec, options: { step: number; epoch: number; umap: boolean; evaluated?: EvaluatedEmbeddings; cooperation?: Cooperation }): Promise<WrittenEmbeddings> {
  const { dataset } = data;
  const layer = spec.eval.layer;
  const coop = options.cooperation;
  const dim = embedder.outputDim(layer);
  const count = dataset.count;
  const vectors = new Float32Array(count * dim);
  const covered = new Uint8Array(count);
  const evaluated = options.evaluated;
  if (evaluated !== undefined && evaluated.step === options.step && evaluated.layer === layer) {
    placeEvaluated(vectors, covered, dim, data.train, evaluated.train);
    placeEvaluated(vectors, covered, dim, data.test, evaluated.test);
  }
  // The rest in chunks (the embedder's own batch size), yielding between them so a stop request
  // is answered within a second.
  const missing = Int32Array.from({ length: count }, (_, i) => i).filter((i) => covered[i] === 0);
  for (let start = 0; start < missing.length; start += EMBED_CHUNK) {
    const rows = missing.subarray(start, Math.min(missing.length, start + EMBED_CHUNK));
    const embedded = embedder.embed(rows, layer);
    for (let i = 0; i < rows.length; i++) vectors.set(embedded.subarray(i * dim, (i + 1) * dim), rows[i]! * dim);
    await pause(coop);
  }
  const testSet = new Set(data.test);
  const files = ['vectors.f32', 'samples.json', 'pca.f32'];
  const { pca, umap } = await projections2d(vectors, count, dim, { seed: spec.strategy.seed, umap: options.umap, labels: dataset.labels, ...(coop ? { cooperation: coop } : {}) });
  if (umap) files.push('umap.f32');
  const sprite = await writeSprite(runDir, dataset, coop);
  if (sprite) files.push('sprite.png');
  writeEmbeddings(
    runDir,
    {
      meta: {
        formatVersion: 1,
        count,
        dim,
        layer,
        dtype: 'float32',
        byteOrder: 'little-endian',
        labelled: dataset.labels !== null,
        classNames: dataset.classNames,
        epoch: options.epoch,
        step: options.step,
        projections: umap ? ['pca', 'umap'] : ['pca'],
        sprite,
      },
      vectors,
      samples: {
        ids: dataset.ids,
        labels: dataset.labels ? Array.from(dataset.labels) : new Array<null>(count).fill(null),
        split: Array.from({ length: count }, (_, i) => (testSet.has(i) ? 'test' : 'train')),
      },
    },
    { pca, ...(umap ? { umap } : {}) },
  );
  files.push('meta.json');
  return { count, dim, files };
}
