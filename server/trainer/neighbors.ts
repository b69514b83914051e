// The k nearest stored samples of one sample of a run, with distance and label: the CLI
// `neighbors` command, and through its --serve mode the extension's gallery. Exact: every stored
// vector is compared with the query, streamed from vectors.f32 a block at a time (neighborScan.ts),
// so a million × 128 run answers in well under a second with a few megabytes of vectors resident,
// and no tensor library is loaded.
import { existsSync } from 'node:fs';
import { assertNotSpecial, FileError, readJsonObject } from '../shared/files';
import type { SearchMetric } from '../contrastive/eval/search';
import { readEmbeddingsIndex, type EmbeddingsIndex } from '../runs/embeddings';
import { runPaths } from '../runs/paths';
import { RunDirectoryError } from '../runs/record';
import { VectorFile } from '../runs/vectorBlocks';
import type { ResolvedSpec } from '../spec/types';
import { metricForSpec } from '../spec/searchMetric';
import { scanNearestRows, type ScannedNeighbors } from './neighborScan';
import type { Neighbor, NeighborSample, NeighborsResult } from './neighborsProtocol';


/** The metric that matches how the run compared embeddings: cosine for normalised outputs and similarity distances. */
export function metricForRun(runDir: string): SearchMetric {
  const file = runPaths(runDir).specJson;
  return existsSync(file) ? metricForSpec(readJsonObject<ResolvedSpec>(file, 'recorded spec')) : 'cosine';
}

export { metricForSpec } from '../spec/searchMetric';

/** Names of the query and k fields in error messages: CLI options, or request fields in --serve mode. */
export interface FieldNames {
  readonly query: string;
  readonly k: string;
}

const CLI_FIELDS: FieldNames = { query: '--query', k: '-k' };

function checkRequest(query: number, k: number, count: number, names: FieldNames): void {
  if (!Number.isInteger(query) || query < 0 || query >= count) {
    throw new RangeError(`${names.query} ${query} is not a sample of this run; use an index from 0 to ${count - 1}.`);
  }
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`${names.k} ${k} must be a positive whole number.`);
}

function neighborsResult({ meta, samples }: EmbeddingsIndex, query: number, result: ScannedNeighbors, metric: SearchMetric): NeighborsResult {
  const describe = (index: number): NeighborSample => {
    const label = samples.labels[index] ?? null;
    return { index, id: samples.ids[index]!, label, className: label !== null && meta.classNames ? (meta.classNames[label] ?? null) : null, split: samples.split[index]! };
  };
  const q = describe(query);
  const neighbors: Neighbor[] = [];
  for (let r = 0; r < result.indices.length; r++) {
    const n = describe(result.indices[r]!);
    neighbors.push({ ...n, rank: r + 1, distance: result.distances[r]!, sameLabel: q.label === null || n.label === null ? null : q.label === n.label });
  }
  return { metric, query: q, neighbors };
}

export function findNeighbors(runDir: string, query: number, k: number, metric: SearchMetric = metricForRun(runDir)): NeighborsResult {
  const index = new NeighborIndex(runDir, metric);
  try {
    return index.answer(query, k, metric, CLI_FIELDS);
  } finally {
    index.dispose();
  }
}

/** vectors.f32 opened and its size checked against meta.json; a damaged file is a RunDirectoryError naming it, as readEmbeddings says it. */
function openVectors(runDir: string, stored: EmbeddingsIndex): VectorFile {
  const file = runPaths(runDir).vectors;
  try {
    assertNotSpecial(file, 'embeddings file');
    return new VectorFile(file, stored.meta.count, stored.meta.dim);
  } catch (e) {
    if (e instanceof FileError) throw new RunDirectoryError(`${e.message}; rewrite the embeddings with \`contrastive-lab embed ${runDir}\`.`);
    throw e;
  }
}

/**
 * A run's header and sample index loaded once and its vectors file kept open, answering many
 * queries: the CLI's `neighbors --serve`, which the extension's gallery talks to. Ready as soon as
 * the small files are read; each query scans vectors.f32 (the page cache keeps it after the
 * first), so memory stays one block whatever the run's size. Same results as findNeighbors.
 */
export class NeighborIndex {
  private readonly stored: EmbeddingsIndex;
  private vectors: VectorFile | null;

  constructor(runDir: string, readonly defaultMetric: SearchMetric = metricForRun(runDir)) {
    this.stored = readEmbeddingsIndex(runDir);
    this.vectors = openVectors(runDir, this.stored);
  }

  get count(): number {
    return this.stored.meta.count;
  }

  get dim(): number {
    return this.stored.meta.dim;
  }

  find(query: number, k: number, metric: SearchMetric = this.defaultMetric): NeighborsResult {
    return this.answer(query, k, metric, { query: 'query', k: 'k' });
  }

  /** find with the field names its caller's errors should use. */
  answer(query: number, k: number, metric: SearchMetric, names: FieldNames): NeighborsResult {
    if (this.vectors === null) throw new Error('neighbour search: this index was disposed');
    checkRequest(query, k, this.count, names);
    return neighborsResult(this.stored, query, scanNearestRows(this.vectors, query, k, metric), metric);
  }

  dispose(): void {
    this.vectors?.close();
    this.vectors = null;
  }
}
