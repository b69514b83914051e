// The approximate nearest-neighbour index of a run: an HNSW graph from usearch (an optional
// dependency: it ships prebuilt binaries for Linux and macOS only), built on demand, stored in the
// run's search/ folder and extended in place when items are added. Distances of the candidates it
// returns are recomputed in float64 from the stored vectors, like the exact search's.
import { existsSync, renameSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { BatchMatches, Index, Matches } from 'usearch';
import { cosineWithNorms, dotOfRows, euclideanOfRows, type EmbeddingMatrix } from '../contrastive/eval/embeddingMatrix';
import type { SearchMetric, SearchResult } from '../contrastive/eval/search';
import { writeJsonAtomic } from '../shared/atomic';
import { ensureDir, readJsonObject, removeQuietly } from '../shared/files';
import { searchPaths, type SearchPaths } from './searchFiles';

export type Usearch = typeof import('usearch');

/** usearch's defaults, written down so the stored header says what the graph was built with. */
export interface HnswParameters {
  /** Neighbours per node in the graph (M). */
  readonly connectivity: number;
  /** Candidates considered while inserting (efConstruction). */
  readonly expansionAdd: number;
  /** Candidates considered while searching (ef); at least k is used. */
  readonly expansionSearch: number;
}

export const DEFAULT_HNSW: HnswParameters = { connectivity: 16, expansionAdd: 128, expansionSearch: 64 };

/** search/hnsw-<metric>.json: what the stored graph indexes. */
export interface HnswHeader {
  readonly formatVersion: 1;
  readonly metric: SearchMetric;
  readonly dim: number;
  /** Rows 0..rows-1 of the run's index are in the graph. */
  readonly rows: number;
  /** The stored embeddings the first rows come from (a rewrite by `embed` makes the graph stale). */
  readonly embeddings: string;
  readonly parameters: HnswParameters;
}

/** usearch, or why it cannot be used (not installed, or no binary for this platform). */
export function loadUsearch(): { usearch: Usearch } | { missing: string } {
  try {
    // require, not import(): the native module loads synchronously either way, and a require is
    // what the bundled CLI does (and what a test can make fail, as on a platform without the binary).
    return { usearch: require('usearch') as Usearch };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { missing: code === 'MODULE_NOT_FOUND' ? 'the optional package usearch is not installed (npm install usearch)' : `usearch could not be loaded (${(e as Error).message.split('\n')[0]})` };
  }
}

/** Identifies the stored embeddings file (size and modification time). */
export function embeddingsFingerprint(vectorsFile: string): string {
  const s = statSync(vectorsFile);
  return `${s.size}:${Math.round(s.mtimeMs)}`;
}

function keys(from: number, to: number): BigUint64Array {
  const out = new BigUint64Array(to - from);
  for (let i = 0; i < out.length; i++) out[i] = BigInt(from + i);
  return out;
}

export interface HnswOpenOptions {
  readonly threads?: number;
  readonly parameters?: HnswParameters;
  /** Progress lines (building, extending, saving). */
  readonly log?: (line: string) => void;
}

export class HnswIndex {
  private constructor(
    private readonly index: Index,
    private readonly matrix: EmbeddingMatrix,
    readonly metric: SearchMetric,
    readonly parameters: HnswParameters,
    private readonly threads: number,
    /** How it was obtained: read from the run, read and extended, or built now. */
    readonly origin: 'loaded' | 'extended' | 'built',
  ) {}

  /**
   * The run's stored graph when it indexes these embeddings (extended with rows added since), else
   * a new one over every row; either way saved back to the run's search/ folder.
   */
  static open(usearch: Usearch, runDir: string, matrix: EmbeddingMatrix, metric: SearchMetric, embeddings: string, options: HnswOpenOptions = {}): HnswIndex {
    const paths = searchPaths(runDir);
    const parameters = options.parameters ?? DEFAULT_HNSW;
    const threads = options.threads ?? availableParallelism();
    const log = options.log ?? (() => undefined);
    const make = (): Index =>
      new usearch.Index({ dimensions: matrix.dim, metric: metric === 'cosine' ? usearch.MetricKind.Cos : usearch.MetricKind.L2sq, quantization: usearch.ScalarKind.F32, connectivity: parameters.connectivity, expansion_add: parameters.expansionAdd, expansion_search: parameters.expansionSearch, multi: false });
    const headerFile = paths.hnswHeader(metric);
    const indexFile = paths.hnswIndex(metric);
    const stored = existsSync(headerFile) && existsSync(indexFile) ? readJsonObject<HnswHeader>(headerFile, 'HNSW index header') : null;
    const reusable = stored !== null && stored.formatVersion === 1 && stored.metric === metric && stored.dim === matrix.dim && stored.embeddings === embeddings && stored.rows <= matrix.rows && JSON.stringify(stored.parameters) === JSON.stringify(parameters);
    let index = make();
    let from = 0;
    if (reusable) {
      try {
        index.load(indexFile);
        from = stored.rows;
      } catch (e) {
        log(`${indexFile} could not be read (${(e as Error).message}); building the HNSW index again`);
        index = make();
      }
    }
    const origin = from === 0 ? 'built' : from < matrix.rows ? 'extended' : 'loaded';
    if (from < matrix.rows) {
      log(`${origin === 'built' ? 'building the HNSW index over' : `adding ${matrix.rows - from} rows to the HNSW index of`} ${matrix.rows} × ${matrix.dim} embeddings (${metric})…`);
      const started = performance.now();
      index.add(keys(from, matrix.rows), matrix.data.subarray(from * matrix.dim), threads);
      log(`HNSW index ${origin} in ${((performance.now() - started) / 1000).toFixed(1)} s; saved to ${indexFile}`);
      HnswIndex.save(index, paths, { formatVersion: 1, metric, dim: matrix.dim, rows: matrix.rows, embeddings, parameters });
    }
    return new HnswIndex(index, matrix, metric, parameters, threads, origin);
  }

  private static save(index: Index, paths: SearchPaths, header: HnswHeader): void {
    const indexFile = paths.hnswIndex(header.metric);
    const headerFile = paths.hnswHeader(header.metric);
    ensureDir(paths.dir, 'search folder');
    // The header goes last, and only after the graph is in place: a killed save leaves no header that vouches for a partial graph.
    removeQuietly(headerFile);
    const temporary = `${indexFile}.${process.pid}.tmp`;
    index.save(temporary);
    renameSync(temporary, indexFile);
    writeJsonAtomic(headerFile, header);
  }

  get rows(): number {
    return this.matrix.rows;
  }

  /** The k nearest rows of each query, nearest first, with exact float64 distances. */
  search(queries: EmbeddingMatrix, k: number): SearchResult {
    if (queries.dim !== this.matrix.dim) throw new Error(`HNSW search: queries have dimension ${queries.dim} but the index has ${this.matrix.dim}`);
    const take = Math.min(k, this.matrix.rows);
    const indices = new Int32Array(queries.rows * k).fill(-1);
    const distances = new Float32Array(queries.rows * k).fill(Infinity);
    if (take === 0 || queries.rows === 0) return { queries: queries.rows, k, indices, distances };
    // One query comes back as Matches (no counts), several as BatchMatches (usearch's types say Matches for any flat array).
    const found = this.index.search(queries.data, take, this.threads) as Matches | BatchMatches;
    const counts = 'counts' in found ? found.counts : BigUint64Array.of(BigInt(found.keys.length));
    const { dim, data } = this.matrix;
    for (let q = 0; q < queries.rows; q++) {
      const got = Number(counts[q]);
      const candidates: { row: number; distance: number }[] = [];
      const queryNorm = dotOfRows(queries.data, q * dim, queries.data, q * dim, dim);
      for (let j = 0; j < got; j++) {
        const row = Number(found.keys[q * take + j]);
        const distance =
          this.metric === 'cosine'
            ? 1 - cosineWithNorms(dotOfRows(queries.data, q * dim, data, row * dim, dim), queryNorm, dotOfRows(data, row * dim, data, row * dim, dim))
            : euclideanOfRows(queries.data, q * dim, data, row * dim, dim);
        candidates.push({ row, distance });
      }
      candidates.sort((a, b) => a.distance - b.distance || a.row - b.row);
      candidates.forEach((c, r) => {
        indices[q * k + r] = c.row;
        distances[q * k + r] = c.distance;
      });
    }
    return { queries: queries.rows, k, indices, distances };
  }
}
