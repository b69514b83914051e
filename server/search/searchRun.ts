// Search a run with new inputs: read them as the run read its data (queries.ts), embed them with
// the run's saved network (runModel.ts), find their nearest items in the run's index (runIndex.ts).
// Used by `contrastive-lab search` (once, or resident with --serve) and `contrastive-lab index --add`.
import { existsSync } from 'node:fs';
import { embeddingMatrix } from '../contrastive/eval/embeddingMatrix';
import type { SearchMetric } from '../contrastive/eval/search';
import { readEmbeddingsIndex } from '../runs/embeddings';
import { metricForSpec } from '../trainer/neighbors';
import { readQueries } from './queries';
import type { QueryResult, SearchHit, SearchResults } from './protocol';
import { RunIndex, type RunIndexOptions } from './runIndex';
import { openRunModel, type RunModel } from './runModel';
import { readAddedItems, searchPaths, writeAddedItems } from './searchFiles';

export interface SearchSessionOptions extends Omit<RunIndexOptions, 'metric'> {
  readonly metric?: SearchMetric;
}

/** Checks that the run's stored embeddings come from the layer and size the network gives now. */
function checkCompatible(runDir: string, model: RunModel): void {
  // The header only: the index reads the vectors once, when it opens.
  const meta = readEmbeddingsIndex(runDir).meta;
  if (meta.dim !== model.dim || meta.layer !== model.layer) {
    throw new Error(`${runDir}: the stored embeddings are ${meta.layer} vectors of ${meta.dim} values but the saved network gives ${model.layer} vectors of ${model.dim}; rewrite them with \`contrastive-lab embed ${runDir}\`.`);
  }
}

/** A run's network and index, loaded once, answering many searches (a tensor backend must be initialised). */
export class SearchSession {
  private constructor(
    readonly runDir: string,
    private readonly model: RunModel,
    private readonly index: RunIndex,
  ) {}

  static async open(runDir: string, options: SearchSessionOptions = {}): Promise<SearchSession> {
    const note = options.note ?? (() => undefined);
    const model = await openRunModel(runDir, note);
    try {
      checkCompatible(runDir, model);
      const index = await RunIndex.open(runDir, { ...options, metric: options.metric ?? metricForSpec(model.spec) });
      return new SearchSession(runDir, model, index);
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  get count(): number {
    return this.index.count;
  }

  get dim(): number {
    return this.index.dim;
  }

  get metric(): SearchMetric {
    return this.index.metric;
  }

  get indexKind(): 'exact' | 'hnsw' {
    return this.index.kind;
  }

  /** The k nearest items of every query path (files, folders, CSV/JSONL rows; relative to `cwd`). */
  async search(paths: readonly string[], k: number, cwd?: string): Promise<SearchResults> {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k ${k} must be a positive whole number.`);
    const queries = await readQueries(paths, { kind: this.model.kind, inputShape: this.model.inputShape, labelColumn: this.model.spec.data.labelColumn }, cwd);
    const embedded = embeddingMatrix(await this.model.embed(queries.values, queries.count), this.model.dim);
    const found = this.index.search(embedded, k);
    const results: QueryResult[] = queries.ids.map((query, q) => {
      const neighbors: SearchHit[] = [];
      for (let r = 0; r < found.k; r++) {
        const row = found.indices[q * found.k + r]!;
        if (row >= 0) neighbors.push({ rank: neighbors.length + 1, ...this.index.describe(row), distance: found.distances[q * found.k + r]! });
      }
      return { query, neighbors };
    });
    return { metric: this.metric, index: this.index.kind, count: this.count, results };
  }

  dispose(): void {
    this.index.dispose();
    this.model.dispose();
  }
}

export interface AddOutcome {
  readonly added: number;
  /** Items in the run's index now. */
  readonly count: number;
  readonly ids: readonly string[];
}

/**
 * Embeds new items with the run's network and appends them to its index (search/added.*); the
 * HNSW graph, when the run has one, is extended and saved. Nothing is written when an input is bad.
 */
export async function addToRunIndex(runDir: string, paths: readonly string[], options: SearchSessionOptions & { cwd?: string } = {}): Promise<AddOutcome> {
  const note = options.note ?? (() => undefined);
  const model = await openRunModel(runDir, note);
  try {
    checkCompatible(runDir, model);
    const queries = await readQueries(paths, { kind: model.kind, inputShape: model.inputShape, labelColumn: model.spec.data.labelColumn }, options.cwd);
    const vectors = await model.embed(queries.values, queries.count);
    const before = readAddedItems(runDir);
    const previous = before?.vectors ?? new Float32Array(0);
    const all = new Float32Array(previous.length + vectors.length);
    all.set(previous);
    all.set(vectors, previous.length);
    writeAddedItems(runDir, { header: { formatVersion: 1, dim: model.dim, layer: model.layer, step: model.step, checkpoint: model.checkpoint, ids: [...(before?.header.ids ?? []), ...queries.ids] }, vectors: all });
    // Opening the index extends a stored HNSW graph with the new rows (or builds one above the threshold).
    const metric = options.metric ?? metricForSpec(model.spec);
    const stored = existsSync(searchPaths(runDir).hnswHeader(metric));
    const index = await RunIndex.open(runDir, { ...options, metric, ...(stored && options.mode !== 'exact' ? { mode: 'hnsw' as const } : {}) });
    const count = index.count;
    index.dispose();
    return { added: queries.count, count, ids: queries.ids };
  } finally {
    model.dispose();
  }
}
