// A 2-D UMAP projection (umap-js), seeded so the same embeddings give the same map.
import { UMAP } from 'umap-js';
import { Random } from '../contrastive/random';

export interface UmapOptions {
  readonly seed: number;
  readonly nNeighbors?: number;
  readonly nEpochs?: number;
  /** Exact neighbours (indices and distances, self excluded) when already known: skips umap-js' approximate search. */
  readonly knn?: { readonly indices: number[][]; readonly distances: number[][] };
}

export function umap2d(vectors: Float32Array, count: number, dim: number, options: UmapOptions): Float32Array {
  const rows: number[][] = [];
  for (let i = 0; i < count; i++) rows.push(Array.from(vectors.subarray(i * dim, (i + 1) * dim)));
  const rng = new Random(options.seed);
  const nNeighbors = Math.max(2, Math.min(options.nNeighbors ?? 15, count - 1));
  const umap = new UMAP({ nComponents: 2, nNeighbors, nEpochs: options.nEpochs ?? (count > 5000 ? 100 : 200), random: () => rng.nextFloat() });
  if (options.knn) umap.setPrecomputedKNN(options.knn.indices, options.knn.distances);
  const epochs = umap.initializeFit(rows);
  for (let e = 0; e < epochs; e++) umap.step();
  const out = new Float32Array(count * 2);
  umap.getEmbedding().forEach((p, i) => {
    out[i * 2] = p[0]!;
    out[i * 2 + 1] = p[1]!;
  });
  return out;
}
