// Benchmark: exact top-10 nearest-neighbour search over 100,000 × 256 random embeddings (cosine),
// reported as milliseconds per 1000 queries and the peak extra tensor memory the search allocates.
// Run alone with `node --import tsx bench/search.ts`, or through bench/run.ts via runSearchBench().
import { currentBackend, initBackend, tf } from '../server/contrastive/backend';
import { embeddingMatrix } from '../server/contrastive/eval/embeddingMatrix';
import { searchNearest } from '../server/contrastive/eval/search';
import { Random } from '../server/contrastive/random';

export interface SearchBenchOptions {
  readonly rows?: number;
  readonly dim?: number;
  readonly queries?: number;
  readonly k?: number;
}

export interface SearchBenchResult {
  readonly backend: string;
  readonly rows: number;
  readonly dim: number;
  readonly queries: number;
  readonly msPer1000Queries: number;
  /** Largest amount of tensor memory live at once during one search, beyond what existed before. */
  readonly peakExtraBytes: number;
  /** The full score matrix the search avoids building (queries × rows float32), for comparison. */
  readonly fullMatrixBytes: number;
  /** Search time over the time of the bare matrix products it must do (1 = no overhead); less
   * sensitive than milliseconds to how busy the machine is. */
  readonly overheadVsMatmul: number;
}

/** Milliseconds for the score products alone, in the search's default block shape (512 × 4096). */
function bareMatmulMs(queryCount: number, rows: number, dim: number): number {
  const slab = 4096;
  const queryBlock = 512;
  const q = tf.randomNormal([queryBlock, dim]) as tf.Tensor2D;
  const d = tf.randomNormal([dim, slab]) as tf.Tensor2D;
  const once = () => {
    const started = performance.now();
    const product = tf.matMul(q, d);
    product.dataSync();
    product.dispose();
    return performance.now() - started;
  };
  once();
  const times = [once(), once(), once()].sort((a, b) => a - b);
  tf.dispose([q, d]);
  return (times[1] as number) * (queryCount / queryBlock) * (rows / slab);
}

function randomMatrix(rows: number, dim: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return data;
}

export async function runSearchBench(options: SearchBenchOptions = {}): Promise<SearchBenchResult> {
  const backend = currentBackend() ?? (await initBackend('auto'));
  const rows = options.rows ?? 100_000;
  const dim = options.dim ?? 256;
  const queryCount = options.queries ?? 1000;
  const k = options.k ?? 10;
  const database = embeddingMatrix(randomMatrix(rows, dim, 1), dim);
  const queries = embeddingMatrix(randomMatrix(queryCount, dim, 2), dim);

  // Warm-up on a slice (kernel set-up, wasm memory growth), then one timed search.
  searchNearest(embeddingMatrix(database.data.subarray(0, Math.min(rows, 10_000) * dim), dim), queries, { k, metric: 'cosine' });
  const started = performance.now();
  searchNearest(database, queries, { k, metric: 'cosine' });
  const elapsed = performance.now() - started;

  // A separate profiled run measures memory (profiling adds bookkeeping, so it is not timed).
  const profile = await tf.profile(() => {
    searchNearest(database, queries, { k, metric: 'cosine' });
  });

  const matmulMs = bareMatmulMs(queryCount, rows, dim);

  const result: SearchBenchResult = {
    backend: backend.name,
    rows,
    dim,
    queries: queryCount,
    msPer1000Queries: (elapsed / queryCount) * 1000,
    peakExtraBytes: profile.peakBytes - tf.memory().numBytes,
    fullMatrixBytes: queryCount * rows * 4,
    overheadVsMatmul: elapsed / matmulMs,
  };
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  console.log(`knn search: top-${k} of ${queryCount} queries over ${rows} × ${dim} (cosine) on ${backend.name}`);
  console.log(`  ${result.msPer1000Queries.toFixed(0)} ms per 1000 queries; peak extra tensor memory ${mb(result.peakExtraBytes)} MB (the full score matrix would be ${mb(result.fullMatrixBytes)} MB)`);
  console.log(`  ${result.overheadVsMatmul.toFixed(2)}× the time of the bare score products (${matmulMs.toFixed(0)} ms measured in the same run)`);
  console.log(`bench knn-search-100k-ms-per-1k ${result.msPer1000Queries.toFixed(1)} ms`);
  console.log(`bench knn-search-100k-vs-bare-matmul ${result.overheadVsMatmul.toFixed(2)} ratio`);
  console.log(`bench knn-search-100k-peak-extra-memory ${mb(result.peakExtraBytes)} MB`);
  return result;
}

if (require.main === module) {
  runSearchBench().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
