// The exact k nearest stored rows of one stored row, by the gallery's metric (cosine: 1 − cos;
// euclidean: ‖q − x‖), scanned from vectors.f32 a block at a time: a million 128-d vectors are
// read from the page cache in well under a second with one 4 MB block resident, and nothing is
// copied, converted or normalised up front. Each row's distance is the float64 figure of
// eval/search.ts's exact distances (the same sums in the same order), reported in float32 as the
// search always reported it; rows are ranked by that reported figure, ties to the lower row, so the
// result is the brute-force sort's first k, and rows that point the same way (x and 3x) tie for
// cosine as they do in exact arithmetic, instead of by float64 rounding noise.
import type { SearchMetric } from '../contrastive/eval/search';
import { TopK } from '../runs/topK';
import type { VectorSource } from '../runs/vectorBlocks';

export interface ScannedNeighbors {
  /** Nearest first; the query row itself is left out. */
  readonly indices: readonly number[];
  readonly distances: readonly number[];
}

/** Cosine distances of rows [0, rows) of `block` to q (whose squared norm is `queryNorm`), offered to `top`. */
function offerCosine(top: TopK, q: Float32Array, queryNorm: number, block: Float32Array, start: number, rows: number, dim: number, skip: number): void {
  for (let r = 0; r < rows; r++) {
    if (start + r === skip) continue;
    const o = r * dim;
    let dot = 0;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const x = block[o + j]!;
      dot += q[j]! * x;
      norm += x * x;
    }
    // As cosineWithNorms: a zero row has similarity 0 with everything.
    top.offer(start + r, Math.fround(1 - (queryNorm === 0 || norm === 0 ? 0 : dot / Math.sqrt(queryNorm * norm))));
  }
}

function offerEuclidean(top: TopK, q: Float32Array, block: Float32Array, start: number, rows: number, dim: number, skip: number): void {
  for (let r = 0; r < rows; r++) {
    if (start + r === skip) continue;
    const o = r * dim;
    let sum = 0;
    for (let j = 0; j < dim; j++) {
      const d = q[j]! - block[o + j]!;
      sum += d * d;
    }
    top.offer(start + r, Math.fround(Math.sqrt(sum)));
  }
}

/** The k nearest rows of stored row `query` (itself left out); k is capped at the other rows there are. */
export function scanNearestRows(vectors: VectorSource, query: number, k: number, metric: SearchMetric): ScannedNeighbors {
  const { count, dim } = vectors;
  if (count < 2) return { indices: [], distances: [] };
  const q = vectors.gather([query]);
  let queryNorm = 0;
  for (let j = 0; j < dim; j++) queryNorm += q[j]! * q[j]!;
  const top = new TopK(Math.min(k, count - 1));
  vectors.forEachBlock((block, start, rows) => {
    if (metric === 'cosine') offerCosine(top, q, queryNorm, block, start, rows, dim, query);
    else offerEuclidean(top, q, block, start, rows, dim, query);
  });
  const found = top.entries();
  return { indices: found.map((e) => e.index), distances: found.map((e) => e.distance) };
}
