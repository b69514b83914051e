// Exact nearest neighbours of one stored sample in the original embedding space, with the run's own
// distance: vectors.f32 is scanned in blocks and each block's candidates are merged into one
// running top-k, so a query over 1,000,000 × 128 holds one block (4 MB) and k results, not 512 MB.
// The map's "neighbours" (extension/panels/mapPanel.ts through `contrastive-lab map-neighbours`)
// and the tests' brute-force comparison use it.
import type { EmbeddingsMeta } from './format';
import { runPaths } from './paths';
import { distanceOfRun, normalizeRows, rowDistance, type RunDistance } from './runDistance';
import { TopK } from './topK';
import { DEFAULT_BLOCK_ROWS, VectorFile } from './vectorBlocks';

export interface ExactNeighbour {
  readonly index: number;
  readonly distance: number;
}

export interface ExactNeighbours {
  readonly query: number;
  readonly distance: RunDistance;
  /** Nearest first; the query itself is left out. */
  readonly neighbours: readonly ExactNeighbour[];
}

/** The k nearest rows of row `query` in an open vector file (itself excluded). */
export function nearestRows(vectors: VectorFile, query: number, k: number, distance: RunDistance, blockRows = DEFAULT_BLOCK_ROWS): ExactNeighbour[] {
  if (!Number.isInteger(query) || query < 0 || query >= vectors.count) throw new RangeError(`sample ${query} is not in this run; use an index from 0 to ${vectors.count - 1}`);
  const dim = vectors.dim;
  const q = vectors.row(query);
  if (distance.normalize) normalizeRows(q, dim);
  const measure = rowDistance(distance);
  const top = new TopK(Math.max(1, Math.min(k, vectors.count - 1)));
  vectors.forEachBlock((block, start, rows) => {
    if (distance.normalize) normalizeRows(block, dim);
    for (let r = 0; r < rows; r++) {
      if (start + r !== query) top.offer(start + r, measure(q, 0, block, r, dim));
    }
  }, blockRows);
  return vectors.count > 1 ? top.entries() : [];
}

/** The k nearest stored samples of sample `query` of a run, by the run's distance unless one is given. */
export function exactNeighbours(runDir: string, meta: Pick<EmbeddingsMeta, 'count' | 'dim'>, query: number, k: number, distance: RunDistance = distanceOfRun(runDir), blockRows = DEFAULT_BLOCK_ROWS): ExactNeighbours {
  const vectors = new VectorFile(runPaths(runDir).vectors, meta.count, meta.dim);
  try {
    return { query, distance, neighbours: nearestRows(vectors, query, k, distance, blockRows) };
  } finally {
    vectors.close();
  }
}
