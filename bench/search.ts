// Benchmark: exact top-10 nearest-neighbour search over 100,000 × 256 random embeddings (cosine),
// reported as milliseconds per 1000 queries and the peak extra tensor memory the search allocates;
// then the approximate (HNSW, usearch) index of `contrastive-lab search` against exact search on a
// synthetic 200,000 × 64 index: recall@10, build time and query time of both (runHnswBench).
// Run alone with `node --import tsx bench/search.ts`, or through bench/run.ts via runSearchBench().
import { currentBackend, initBackend, tf } from '../server/contrastive/backend';
import { embeddingMatrix } from '../server/contrastive/eval/embeddingMatrix';
import { searchNearest } from '../server/contrastive/eval/search';
import { Random } from '../server/contrastive/random';
import { HnswIndex, loadUsearch } from '../server/search/hnsw';

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
  await runHnswBench();
  return result;
}

export interface HnswBenchResult {
  readonly rows: number;
  readonly dim: number;
  readonly queries: number;
  readonly buildSeconds: number;
  readonly recallAt10: number;
  readonly exactMsPerQuery: number;
  readonly hnswMsPerQuery: number;
}

/** rows × dim points around the given centres (σ 0.5 around unit-variance centres): a trained run's embeddings cluster by class. */
function clusteredMatrix(rows: number, dim: number, centre: Float32Array, seed: number): Float32Array {
  const rng = new Random(seed);
  const centres = centre.length / dim;
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const c = rng.nextInt(centres);
    for (let j = 0; j < dim; j++) data[r * dim + j] = (centre[c * dim + j] as number) + 0.5 * rng.normal();
  }
  return data;
}

/**
 * The HNSW index `contrastive-lab search` uses above 100k items, on 200,000 × 64 clustered
 * embeddings (cosine, usearch's default graph: M 16, efConstruction 128, ef 64): recall@10 against
 * the exact search, build time, and milliseconds per query for each (1000 queries).
 */
export async function runHnswBench(options: { rows?: number; dim?: number; queries?: number } = {}): Promise<HnswBenchResult | null> {
  const loaded = loadUsearch();
  if ('missing' in loaded) {
    console.log(`hnsw: skipped, ${loaded.missing}`);
    return null;
  }
  const rows = options.rows ?? 200_000;
  const dim = options.dim ?? 64;
  const queryCount = options.queries ?? 1000;
  // Queries are new points around the same 500 centres as the database.
  const centres = randomMatrix(500, dim, 10);
  const database = embeddingMatrix(clusteredMatrix(rows, dim, centres, 11), dim);
  const queries = embeddingMatrix(clusteredMatrix(queryCount, dim, centres, 12), dim);
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const runDir = mkdtempSync(join(tmpdir(), 'cl-bench-hnsw-'));
  try {
    let started = performance.now();
    const index = HnswIndex.open(loaded.usearch, runDir, database, 'cosine', 'bench');
    const buildSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const approximate = index.search(queries, 10);
    const hnswMs = performance.now() - started;
    started = performance.now();
    const exact = searchNearest(database, queries, { k: 10, metric: 'cosine' });
    const exactMs = performance.now() - started;
    let hits = 0;
    for (let q = 0; q < queryCount; q++) {
      const truth = new Set(exact.indices.subarray(q * 10, q * 10 + 10));
      for (const row of approximate.indices.subarray(q * 10, q * 10 + 10)) if (truth.has(row)) hits++;
    }
    const result: HnswBenchResult = { rows, dim, queries: queryCount, buildSeconds, recallAt10: hits / (queryCount * 10), exactMsPerQuery: exactMs / queryCount, hnswMsPerQuery: hnswMs / queryCount };
    console.log(`hnsw: top-10 of ${queryCount} queries over ${rows} × ${dim} clustered embeddings (cosine), usearch M ${index.parameters.connectivity}, efConstruction ${index.parameters.expansionAdd}, ef ${index.parameters.expansionSearch}`);
    console.log(`  built in ${buildSeconds.toFixed(1)} s; recall@10 ${result.recallAt10.toFixed(4)} against exact search`);
    console.log(`  ${result.hnswMsPerQuery.toFixed(3)} ms per query (HNSW) vs ${result.exactMsPerQuery.toFixed(2)} ms per query (exact, blocked on the tensor backend)`);
    console.log(`bench hnsw-200k-recall-at-10 ${result.recallAt10.toFixed(4)} ratio`);
    console.log(`bench hnsw-200k-build ${buildSeconds.toFixed(1)} s`);
    console.log(`bench hnsw-200k-query ${result.hnswMsPerQuery.toFixed(3)} ms`);
    console.log(`bench exact-200k-query ${result.exactMsPerQuery.toFixed(2)} ms`);
    return result;
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runSearchBench().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
