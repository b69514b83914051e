// The k nearest stored samples of one sample of a run, with distance and label: the CLI
// `neighbors` command, and through its --serve mode the extension's gallery. Uses the library's exact search.
import { existsSync } from 'node:fs';
import { readJsonObject } from '../shared/files';
import { embeddingMatrix } from '../contrastive/eval/embeddingMatrix';
import { ResidentDatabase, searchDatabaseRows, type SearchMetric, type SearchResult } from '../contrastive/eval/search';
import { readEmbeddings } from '../runs/embeddings';
import { runPaths } from '../runs/paths';
import type { ResolvedSpec } from '../spec/types';
import { metricForSpec } from '../spec/searchMetric';
import type { Neighbor, NeighborSample, NeighborsResult } from './neighborsProtocol';


/** The metric that matches how the run compared embeddings: cosine for normalised outputs and similarity distances. */
export function metricForRun(runDir: string): SearchMetric {
  const file = runPaths(runDir).specJson;
  return existsSync(file) ? metricForSpec(readJsonObject<ResolvedSpec>(file, 'recorded spec')) : 'cosine';
}

export { metricForSpec } from '../spec/searchMetric';

type StoredEmbeddings = ReturnType<typeof readEmbeddings>;

/** Names of the query and k fields in error messages: CLI options, or request fields in --serve mode. */
interface FieldNames {
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

function neighborsResult({ meta, samples }: StoredEmbeddings, query: number, result: SearchResult, metric: SearchMetric): NeighborsResult {
  const describe = (index: number): NeighborSample => {
    const label = samples.labels[index] ?? null;
    return { index, id: samples.ids[index]!, label, className: label !== null && meta.classNames ? (meta.classNames[label] ?? null) : null, split: samples.split[index]! };
  };
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

export function findNeighbors(runDir: string, query: number, k: number, metric: SearchMetric = metricForRun(runDir)): NeighborsResult {
  const stored = readEmbeddings(runDir);
  checkRequest(query, k, stored.meta.count, CLI_FIELDS);
  const result = searchDatabaseRows(embeddingMatrix(stored.vectors, stored.meta.dim), [query], { k: Math.min(k, stored.meta.count - 1), metric });
  return neighborsResult(stored, query, result, metric);
}

/**
 * A run's embeddings loaded once and kept on the tensor backend (one resident copy per metric
 * asked for), answering many queries: the CLI's `neighbors --serve`, which the extension's
 * gallery talks to. Same results as findNeighbors.
 */
export class NeighborIndex {
  private readonly stored: StoredEmbeddings;
  private readonly databases = new Map<SearchMetric, ResidentDatabase>();

  constructor(runDir: string, readonly defaultMetric: SearchMetric = metricForRun(runDir)) {
    this.stored = readEmbeddings(runDir);
  }

  get count(): number {
    return this.stored.meta.count;
  }

  get dim(): number {
    return this.stored.meta.dim;
  }

  find(query: number, k: number, metric: SearchMetric = this.defaultMetric): NeighborsResult {
    checkRequest(query, k, this.count, { query: 'query', k: 'k' });
    let database = this.databases.get(metric);
    if (database === undefined) {
      database = new ResidentDatabase(embeddingMatrix(this.stored.vectors, this.dim), metric);
      this.databases.set(metric, database);
    }
    const result = database.searchRows([query], { k: Math.min(k, this.count - 1) });
    return neighborsResult(this.stored, query, result, metric);
  }

  dispose(): void {
    for (const d of this.databases.values()) d.dispose();
    this.databases.clear();
  }
}
