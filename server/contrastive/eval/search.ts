// Exact top-k nearest-neighbour search over stored embeddings. The score matrix is never built
// whole: database blocks (transposed once each) meet query blocks in matrix products on the tensor
// backend, each block's top-k is taken there, and a running top-k per query is merged in
// JavaScript. Peak extra memory is one database block, one query block and their score block,
// so 100,000 × 256 against itself needs tens of megabytes, not the 40 GB of the full matrix.
// Serves the CLI `neighbors` command, the extension's gallery and the retrieval metrics.
import { tf } from '../backend';
import { type EmbeddingMatrix, cosineWithNorms, dotOfRows, euclideanOfRows, squaredNorms } from './embeddingMatrix';

export type SearchMetric = 'cosine' | 'euclidean';

export interface SearchOptions {
  readonly k: number;
  /** cosine: distance 1 − cos(q, x); euclidean: ‖q − x‖. */
  readonly metric: SearchMetric;
  /** For each query, one database row to leave out (-1 = none); see searchDatabaseRows. */
  readonly excludeRows?: ArrayLike<number>;
  /**
   * true (default): distances recomputed in float64 from the stored vectors. false: taken from the
   * backend's float32 scores, for callers that read only the indices (hundreds per query for retrieval).
   */
  readonly exactDistances?: boolean;
  /** Block sizes: larger is faster up to cache/memory limits. */
  readonly queryBlockRows?: number;
  readonly databaseBlockRows?: number;
}

export interface SearchResult {
  readonly queries: number;
  readonly k: number;
  /** queries × k database rows, nearest first; -1 where the database has fewer than k candidates. */
  readonly indices: Int32Array;
  /** queries × k distances matching `indices` (Infinity where the index is -1). */
  readonly distances: Float32Array;
}

// Measured on wasm (100k × 256): blocks near 512 × 4096 keep the product in cache and run ~2× faster than 1024 × 8192.
const DEFAULT_QUERY_BLOCK = 512;
const DEFAULT_DATABASE_BLOCK = 4096;

/** Uploads rows [start, end) as a tensor, L2-normalised for cosine (a zero row stays zero). */
function blockTensor(matrix: EmbeddingMatrix, start: number, end: number, metric: SearchMetric): tf.Tensor2D {
  return tf.tidy(() => {
    const block = tf.tensor2d(matrix.data.subarray(start * matrix.dim, end * matrix.dim), [end - start, matrix.dim]);
    if (metric !== 'cosine') return block;
    const norms = tf.sqrt(tf.sum(tf.square(block), 1, true));
    return tf.div(block, tf.maximum(norms, 1e-12));
  });
}

/**
 * A database block as the right operand of the score product: [dim, rows], L2-normalised for
 * cosine. Laid out in JavaScript because transposing on the wasm backend costs more than half the
 * matrix product itself. For euclidean also ½‖x‖² per row, as [1, rows].
 */
function databaseBlockTensors(matrix: EmbeddingMatrix, start: number, end: number, metric: SearchMetric): { transposed: tf.Tensor2D; halfSquaredNorms: tf.Tensor2D | null } {
  const rows = end - start;
  const dim = matrix.dim;
  const source = matrix.data;
  const transposed = new Float32Array(rows * dim);
  const halfSquared = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const offset = (start + r) * dim;
    let squared = 0;
    for (let j = 0; j < dim; j++) squared += (source[offset + j] as number) ** 2;
    const scale = metric === 'cosine' ? 1 / Math.max(Math.sqrt(squared), 1e-12) : 1;
    for (let j = 0; j < dim; j++) transposed[j * rows + r] = (source[offset + j] as number) * scale;
    halfSquared[r] = squared / 2;
  }
  return {
    transposed: tf.tensor2d(transposed, [dim, rows]),
    halfSquaredNorms: metric === 'euclidean' ? tf.tensor2d(halfSquared, [1, rows]) : null,
  };
}

/**
 * Inserts a block's candidates (sorted best first) into query q's running list, which holds
 * `k` entries sorted best first (score -Infinity = empty). Higher score = nearer.
 */
interface RunningTopK {
  readonly k: number;
  readonly scores: Float32Array;
  readonly rows: Int32Array;
  /** Scratch space for one merge (k entries each). */
  readonly mergedScores: Float32Array;
  readonly mergedRows: Int32Array;
}

function mergeCandidates(best: RunningTopK, q: number, scores: Float32Array, rows: Int32Array, from: number, count: number, rowOffset: number, excluded: number): void {
  const { k, scores: bestScores, rows: bestRows, mergedScores, mergedRows } = best;
  const base = q * k;
  let i = 0;
  let j = 0;
  for (let out = 0; out < k; out++) {
    while (j < count && (rows[from + j] as number) + rowOffset === excluded) j++;
    const existing = i < k ? (bestScores[base + i] as number) : -Infinity;
    const candidate = j < count ? (scores[from + j] as number) : -Infinity;
    // Ties keep the earlier (lower-numbered) row, which is the one already in the list.
    if (existing >= candidate) {
      mergedScores[out] = existing;
      mergedRows[out] = i < k ? (bestRows[base + i] as number) : -1;
      i++;
    } else {
      mergedScores[out] = candidate;
      mergedRows[out] = (rows[from + j] as number) + rowOffset;
      j++;
    }
  }
  bestScores.set(mergedScores, base);
  bestRows.set(mergedRows, base);
}

/** One database block laid out for the score product (see databaseBlockTensors). */
interface DatabaseBlock {
  readonly start: number;
  readonly end: number;
  readonly transposed: tf.Tensor2D;
  readonly halfSquaredNorms: tf.Tensor2D | null;
}

function checkSearch(database: EmbeddingMatrix, queries: EmbeddingMatrix, options: SearchOptions): void {
  const { k } = options;
  if (!Number.isInteger(k) || k < 1) throw new Error(`nearest-neighbour search: k must be a positive integer, got ${k}`);
  if (database.dim !== queries.dim) {
    throw new Error(`nearest-neighbour search: queries have dimension ${queries.dim} but the database has ${database.dim}; search embeddings of the same layer`);
  }
  if (options.excludeRows !== undefined && options.excludeRows.length !== queries.rows) {
    throw new Error(`nearest-neighbour search: excludeRows has ${options.excludeRows.length} entries for ${queries.rows} queries`);
  }
}

function emptyTopK(queries: number, k: number): RunningTopK {
  return {
    k,
    scores: new Float32Array(queries * k).fill(-Infinity),
    rows: new Int32Array(queries * k).fill(-1),
    mergedScores: new Float32Array(k),
    mergedRows: new Int32Array(k),
  };
}

/** Merges one database block's candidates for every query into the running top-k lists. */
function searchBlock(best: RunningTopK, block: DatabaseBlock, queries: EmbeddingMatrix, options: SearchOptions): void {
  const { k, metric } = options;
  const queryBlock = Math.max(1, Math.floor(options.queryBlockRows ?? DEFAULT_QUERY_BLOCK));
  const exclude = options.excludeRows;
  // One extra candidate per block so that dropping an excluded row still leaves k.
  const take = Math.min(block.end - block.start, k + (exclude === undefined ? 0 : 1));
  for (let qStart = 0; qStart < queries.rows; qStart += queryBlock) {
    const qEnd = Math.min(queries.rows, qStart + queryBlock);
    const { values, indices } = tf.tidy(() => {
      const q = blockTensor(queries, qStart, qEnd, metric);
      const products = tf.matMul(q, block.transposed);
      const scores = block.halfSquaredNorms === null ? products : tf.sub(products, block.halfSquaredNorms);
      return tf.topk(scores, take, true);
    });
    const blockScores = values.dataSync() as Float32Array;
    const blockRows = indices.dataSync() as Int32Array;
    tf.dispose([values, indices]);
    for (let q = qStart; q < qEnd; q++) {
      const excluded = exclude === undefined ? -1 : (exclude[q] as number);
      mergeCandidates(best, q, blockScores, blockRows, (q - qStart) * take, take, block.start, excluded);
    }
  }
}

// Report distances recomputed in float64 from the stored vectors: exact, and free of the
// cancellation in ‖q‖² − 2q·x + ‖x‖² for near neighbours.
function finishSearch(database: EmbeddingMatrix, queries: EmbeddingMatrix, best: RunningTopK, options: SearchOptions): SearchResult {
  if (options.exactDistances === false) return scoreDistances(queries, best, options.metric);
  const { metric } = options;
  const { k, rows: bestRows } = best;
  const distances = new Float32Array(queries.rows * k).fill(Infinity);
  const dim = database.dim;
  // Cosine: the squared norm of each row that is a neighbour, once (the same float64 sums as per
  // pair, so the same figures to the bit), not once per neighbour pair (retrieval asks for hundreds
  // of neighbours per query), and not of every stored row: one query over a million rows needs ten.
  const databaseNorms = metric === 'cosine' ? new Float64Array(database.rows).fill(-1) : null;
  const databaseNorm = (row: number): number => {
    if ((databaseNorms![row] as number) < 0) databaseNorms![row] = dotOfRows(database.data, row * dim, database.data, row * dim, dim);
    return databaseNorms![row] as number;
  };
  const queryNorms = metric === 'cosine' ? squaredNorms(queries) : null;
  for (let q = 0; q < queries.rows; q++) {
    for (let r = 0; r < k; r++) {
      const row = bestRows[q * k + r] as number;
      if (row < 0) continue;
      distances[q * k + r] =
        queryNorms !== null
          ? 1 - cosineWithNorms(dotOfRows(queries.data, q * dim, database.data, row * dim, dim), queryNorms[q] as number, databaseNorm(row))
          : euclideanOfRows(queries.data, q * dim, database.data, row * dim, dim);
    }
  }
  return { queries: queries.rows, k, indices: bestRows, distances };
}

/** Distances from the running top-k scores: 1 − cos, or √(‖q‖² − 2(q·x − ½‖x‖²)) = ‖q − x‖. */
function scoreDistances(queries: EmbeddingMatrix, best: RunningTopK, metric: SearchMetric): SearchResult {
  const { k, rows: bestRows, scores } = best;
  const queryNorms = metric === 'euclidean' ? squaredNorms(queries) : null;
  const distances = new Float32Array(queries.rows * k).fill(Infinity);
  for (let q = 0; q < queries.rows; q++) {
    for (let r = 0; r < k; r++) {
      if ((bestRows[q * k + r] as number) < 0) continue;
      const score = scores[q * k + r] as number;
      distances[q * k + r] = queryNorms === null ? 1 - score : Math.sqrt(Math.max(0, (queryNorms[q] as number) - 2 * score));
    }
  }
  return { queries: queries.rows, k, indices: bestRows, distances };
}

/** One database block at a time: peak memory stays one block whatever the database size. */
export function searchNearest(database: EmbeddingMatrix, queries: EmbeddingMatrix, options: SearchOptions): SearchResult {
  checkSearch(database, queries, options);
  const databaseBlock = Math.max(1, Math.floor(options.databaseBlockRows ?? DEFAULT_DATABASE_BLOCK));
  const best = emptyTopK(queries.rows, options.k);
  for (let start = 0; start < database.rows; start += databaseBlock) {
    const end = Math.min(database.rows, start + databaseBlock);
    const block = { start, end, ...databaseBlockTensors(database, start, end, options.metric) };
    try {
      searchBlock(best, block, queries, options);
    } finally {
      tf.dispose(block.halfSquaredNorms === null ? [block.transposed] : [block.transposed, block.halfSquaredNorms]);
    }
  }
  return finishSearch(database, queries, best, options);
}

/**
 * A database whose blocks stay on the tensor backend between searches, for a process that answers
 * many queries against the same embeddings (the CLI's `neighbors --serve`). Holds the whole
 * database as tensors until dispose().
 */
export class ResidentDatabase {
  private blocks: DatabaseBlock[] | null;

  constructor(readonly matrix: EmbeddingMatrix, readonly metric: SearchMetric, databaseBlockRows = DEFAULT_DATABASE_BLOCK) {
    const size = Math.max(1, Math.floor(databaseBlockRows));
    const blocks: DatabaseBlock[] = [];
    for (let start = 0; start < matrix.rows; start += size) {
      const end = Math.min(matrix.rows, start + size);
      blocks.push({ start, end, ...databaseBlockTensors(matrix, start, end, metric) });
    }
    this.blocks = blocks;
  }

  /** Like searchNearest against this database (the metric is the one it was laid out for). */
  search(queries: EmbeddingMatrix, options: Omit<SearchOptions, 'metric' | 'databaseBlockRows'>): SearchResult {
    if (this.blocks === null) throw new Error('nearest-neighbour search: this resident database was disposed');
    const full: SearchOptions = { ...options, metric: this.metric };
    checkSearch(this.matrix, queries, full);
    const best = emptyTopK(queries.rows, options.k);
    for (const block of this.blocks) searchBlock(best, block, queries, full);
    return finishSearch(this.matrix, queries, best, full);
  }

  /** Neighbours of stored rows, each leaving itself out (as searchDatabaseRows). */
  searchRows(rows: ArrayLike<number>, options: Omit<SearchOptions, 'metric' | 'databaseBlockRows' | 'excludeRows'>): SearchResult {
    return this.search(storedRows(this.matrix, rows), { ...options, excludeRows: rows });
  }

  dispose(): void {
    for (const b of this.blocks ?? []) tf.dispose(b.halfSquaredNorms === null ? [b.transposed] : [b.transposed, b.halfSquaredNorms]);
    this.blocks = null;
  }
}

/** Copies of the listed stored rows, as queries. */
function storedRows(database: EmbeddingMatrix, rows: ArrayLike<number>): EmbeddingMatrix {
  const queryData = new Float32Array(rows.length * database.dim);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    if (!Number.isInteger(r) || r < 0 || r >= database.rows) {
      throw new RangeError(`sample ${r} is not one of the ${database.rows} stored embeddings (valid: 0..${database.rows - 1})`);
    }
    queryData.set(database.data.subarray(r * database.dim, (r + 1) * database.dim), i * database.dim);
  }
  return { data: queryData, rows: rows.length, dim: database.dim };
}

/** Neighbours of some stored rows among all stored rows, each row leaving itself out. */
export function searchDatabaseRows(database: EmbeddingMatrix, rows: ArrayLike<number>, options: Omit<SearchOptions, 'excludeRows'>): SearchResult {
  return searchNearest(database, storedRows(database, rows), { ...options, excludeRows: rows });
}
