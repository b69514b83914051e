// The searchable index of a run: its stored embeddings followed by the items added since
// (search/added.*), searched exactly (the library's blocked search on the tensor backend) or, for
// large indexes, through the HNSW graph (hnsw.ts). Exact search is the default below the threshold.
import { embeddingMatrix, type EmbeddingMatrix } from '../contrastive/eval/embeddingMatrix';
import { ResidentDatabase, type SearchMetric, type SearchResult } from '../contrastive/eval/search';
import { readEmbeddings } from '../runs/embeddings';
import { runPaths } from '../runs/paths';
import { embeddingsFingerprint, HnswIndex, loadUsearch, type HnswParameters } from './hnsw';
import type { IndexItem } from './protocol';
import { readAddedItems, searchPaths } from './searchFiles';

/** Above this many rows the HNSW index is used (when usearch is installed). */
export const DEFAULT_HNSW_THRESHOLD = 100_000;

export type IndexMode = 'auto' | 'exact' | 'hnsw';

export interface RunIndexOptions {
  readonly metric: SearchMetric;
  /** auto: HNSW above `threshold` rows when usearch is there; exact / hnsw: always that. */
  readonly mode?: IndexMode;
  readonly threshold?: number;
  readonly threads?: number;
  readonly hnsw?: HnswParameters;
  /** Notes for the user (usearch missing, a graph built, stale added items). */
  readonly note?: (line: string) => void;
}

export class RunIndex {
  private exact: ResidentDatabase | null = null;

  private constructor(
    readonly runDir: string,
    private readonly stored: ReturnType<typeof readEmbeddings>,
    private readonly addedIds: readonly string[],
    readonly matrix: EmbeddingMatrix,
    readonly metric: SearchMetric,
    private readonly hnsw: HnswIndex | null,
  ) {}

  static async open(runDir: string, options: RunIndexOptions): Promise<RunIndex> {
    const note = options.note ?? (() => undefined);
    const stored = readEmbeddings(runDir);
    const added = readAddedItems(runDir);
    const dim = stored.meta.dim;
    if (added !== null && added.header.dim !== dim) {
      throw new Error(`${searchPaths(runDir).addedHeader}: the added items have dimension ${added.header.dim} but the run's embeddings have ${dim}; delete ${searchPaths(runDir).dir} and add them again with \`contrastive-lab index ${runDir} --add\`.`);
    }
    if (added !== null && added.header.step !== stored.meta.step) {
      note(`the items added to the index were embedded at step ${added.header.step}, the run's embeddings at step ${stored.meta.step}; they are compared as they are (delete ${searchPaths(runDir).dir} and add them again to re-embed them)`);
    }
    const addedCount = added?.header.ids.length ?? 0;
    const data = new Float32Array((stored.meta.count + addedCount) * dim);
    data.set(stored.vectors);
    if (added !== null) data.set(added.vectors, stored.vectors.length);
    const matrix = embeddingMatrix(data, dim);
    const mode = options.mode ?? 'auto';
    const threshold = options.threshold ?? DEFAULT_HNSW_THRESHOLD;
    let hnsw: HnswIndex | null = null;
    if (mode === 'hnsw' || (mode === 'auto' && matrix.rows > threshold)) {
      const loaded = loadUsearch();
      if ('missing' in loaded) {
        if (mode === 'hnsw') throw new Error(`the HNSW index needs usearch: ${loaded.missing}; or leave out --hnsw to search exactly.`);
        note(`${loaded.missing}, so the ${matrix.rows} items are searched exactly (slower above ${threshold} items)`);
      } else {
        hnsw = HnswIndex.open(loaded.usearch, runDir, matrix, options.metric, embeddingsFingerprint(runPaths(runDir).vectors), {
          log: note,
          ...(options.threads !== undefined ? { threads: options.threads } : {}),
          ...(options.hnsw !== undefined ? { parameters: options.hnsw } : {}),
        });
      }
    }
    return new RunIndex(runDir, stored, added?.header.ids ?? [], matrix, options.metric, hnsw);
  }

  get count(): number {
    return this.matrix.rows;
  }

  get dim(): number {
    return this.matrix.dim;
  }

  /** Items added with `index --add` (the last rows). */
  get addedCount(): number {
    return this.addedIds.length;
  }

  /** How queries are answered. */
  get kind(): 'exact' | 'hnsw' {
    return this.hnsw === null ? 'exact' : 'hnsw';
  }

  describe(index: number): IndexItem {
    const { meta, samples } = this.stored;
    if (index >= meta.count) return { index, id: this.addedIds[index - meta.count]!, label: null, className: null, split: 'added' };
    const label = samples.labels[index] ?? null;
    return { index, id: samples.ids[index]!, label, className: label !== null && meta.classNames ? (meta.classNames[label] ?? null) : null, split: samples.split[index]! };
  }

  /** The k nearest rows of each query (count × dim embeddings), nearest first. */
  search(queries: EmbeddingMatrix, k: number): SearchResult {
    const take = Math.min(k, this.count);
    if (this.hnsw !== null) return this.hnsw.search(queries, take);
    this.exact ??= new ResidentDatabase(this.matrix, this.metric);
    return this.exact.search(queries, { k: take });
  }

  dispose(): void {
    this.exact?.dispose();
    this.exact = null;
  }
}
