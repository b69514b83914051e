// The k nearest stored samples of one sample of a run, with distance and label: the CLI
// `neighbors` command and the extension's gallery both call this. Uses the library's exact search.
import { existsSync, readFileSync } from 'node:fs';
import { embeddingMatrix } from '../contrastive/eval/embeddingMatrix';
import { searchDatabaseRows, type SearchMetric } from '../contrastive/eval/search';
import { readEmbeddings } from '../runs/embeddings';
import { runPaths } from '../runs/paths';
import type { ResolvedSpec } from '../spec/types';

export interface NeighborSample {
  readonly index: number;
  readonly id: string;
  readonly label: number | null;
  readonly className: string | null;
  readonly split: 'train' | 'test';
}

export interface Neighbor extends NeighborSample {
  readonly rank: number;
  readonly distance: number;
  /** Whether the neighbour has the query's label (null when unlabelled). */
  readonly sameLabel: boolean | null;
}

export interface NeighborsResult {
  readonly metric: SearchMetric;
  readonly query: NeighborSample;
  readonly neighbors: readonly Neighbor[];
}

/** The metric that matches how the run compared embeddings: cosine for normalised outputs and similarity distances. */
export function metricForRun(runDir: string): SearchMetric {
  const file = runPaths(runDir).specJson;
  return existsSync(file) ? metricForSpec(JSON.parse(readFileSync(file, 'utf8')) as ResolvedSpec) : 'cosine';
}

export function metricForSpec(spec: ResolvedSpec): SearchMetric {
  const d = spec.distance;
  const euclideanFamily = (d.type === 'euclidean' || d.type === 'squaredEuclidean' || d.type === 'manhattan') && !d.normalize && !spec.architecture.normalizeOutput;
  return euclideanFamily ? 'euclidean' : 'cosine';
}

export function findNeighbors(runDir: string, query: number, k: number, metric: SearchMetric = metricForRun(runDir)): NeighborsResult {
  const { meta, vectors, samples } = readEmbeddings(runDir);
  if (!Number.isInteger(query) || query < 0 || query >= meta.count) {
    throw new RangeError(`--query ${query} is not a sample of this run; use an index from 0 to ${meta.count - 1}.`);
  }
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`-k ${k} must be a positive whole number.`);
  const describe = (index: number): NeighborSample => {
    const label = samples.labels[index] ?? null;
    return { index, id: samples.ids[index]!, label, className: label !== null && meta.classNames ? (meta.classNames[label] ?? null) : null, split: samples.split[index]! };
  };
  const result = searchDatabaseRows(embeddingMatrix(vectors, meta.dim), [query], { k: Math.min(k, meta.count - 1), metric });
  const q = describe(query);
  const neighbors: Neighbor[] = [];
  for (let r = 0; r < result.k; r++) {
    const index = result.indices[r]!;
    if (index < 0) continue;
    const n = describe(index);
    neighbors.push({ ...n, rank: r + 1, distance: result.distances[r]!, sameLabel: q.label === null || n.label === null ? null : q.label === n.label });
  }
  return { metric, query: q, neighbors };
}
