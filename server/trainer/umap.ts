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

/** Yields to the event loop every few milliseconds (so SIGTERM is answered) and stops when asked to. */
export interface Cooperation {
  readonly shouldStop: () => boolean;
  readonly onStop: () => Error;
}

const SLICE_MS = 50;

export async function pause(cooperation: Cooperation | undefined): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (cooperation?.shouldStop()) throw cooperation.onStop();
}

/** The projection, yielding to the event loop between optimisation epochs so a stop request is answered. */
export async function umap2dCooperative(vectors: Float32Array, count: number, dim: number, options: UmapOptions, cooperation?: Cooperation): Promise<Float32Array> {
  const { umap, epochs } = prepare(vectors, count, dim, options);
  let slice = Date.now();
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if (Date.now() - slice > SLICE_MS) {
      await pause(cooperation);
      slice = Date.now();
    }
  }
  return collect(umap, count);
}

function prepare(vectors: Float32Array, count: number, dim: number, options: UmapOptions): { umap: UMAP; epochs: number } {
  const rows: number[][] = [];
  for (let i = 0; i < count; i++) rows.push(Array.from(vectors.subarray(i * dim, (i + 1) * dim)));
  const rng = new Random(options.seed);
  const nNeighbors = Math.max(2, Math.min(options.nNeighbors ?? 15, count - 1));
  const umap = new UMAP({ nComponents: 2, nNeighbors, nEpochs: options.nEpochs ?? (count > 5000 ? 100 : 200), random: () => rng.nextFloat() });
  if (options.knn) umap.setPrecomputedKNN(options.knn.indices, options.knn.distances);
  const epochs = umap.initializeFit(rows);
  return { umap, epochs };
}

function collect(umap: UMAP, count: number): Float32Array {
  const out = new Float32Array(count * 2);
  umap.getEmbedding().forEach((p, i) => {
    out[i * 2] = p[0]!;
    out[i * 2 + 1] = p[1]!;
  });
  return out;
}
