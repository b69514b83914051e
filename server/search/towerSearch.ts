// Search a two-tower run across its towers: a text query, embedded by the run's text tower, finds the
// other side's items (images for an image–caption run); a file query (image, or CSV/JSONL rows), embedded
// by the run's network tower, finds the text side's items — its captions. The towers are the training's
// own (buildTowerParts, restored from the newest checkpoint as a resumed run restores them, tokenizer
// checked against the stored one); the index is the run's embeddings/, side a's rows then side b's.
import { dirname } from 'node:path';
import { tf } from '../contrastive/backend';
import { DataError } from '../contrastive/data/errors';
import { embeddingMatrix, type EmbeddingMatrix } from '../contrastive/eval/embeddingMatrix';
import { ResidentDatabase, type SearchMetric } from '../contrastive/eval/search';
import { words } from '../contrastive/towers/tokenizer';
import { readEmbeddings, type Embeddings } from '../runs/embeddings';
import { readRunRecord } from '../runs/record';
import type { ResolvedSpec } from '../spec/types';
import { restoreChecked } from '../trainer/checkpoint';
import { loadPairedSplit, type PairedSplit } from '../trainer/towers/pairedSplit';
import { buildTowerParts, type TowerParts } from '../trainer/towers/towerParts';
import type { Tower, TowerName } from '../trainer/towers/towers';
import type { QueryResult, SearchHit, SearchResults } from './protocol';
import { readQueries } from './queries';
import { newestCheckpoint } from './runModel';

/** Whether the recorded spec has two towers. */
export function isTwoTowerSpec(spec: ResolvedSpec): boolean {
  return (spec.architecture.towers ?? null) !== null;
}

const other = (name: TowerName): TowerName => (name === 'a' ? 'b' : 'a');

/** One side's rows of the run's index: rows `start`..`start + rows` of embeddings/. */
interface SideIndex {
  readonly start: number;
  readonly database: ResidentDatabase;
}

export class TowerSearchSession {
  readonly metric: SearchMetric = 'cosine';
  readonly indexKind = 'exact' as const;

  private constructor(
    readonly runDir: string,
    private readonly parts: TowerParts,
    private readonly data: PairedSplit,
    private readonly stored: Embeddings,
    private readonly sides: Record<TowerName, SideIndex>,
  ) {}

  /** Loads the run's paired data, towers and embeddings (a tensor backend must be initialised). */
  static async open(runDir: string, spec: ResolvedSpec, options: { note?: (line: string) => void } = {}): Promise<TowerSearchSession> {
    const note = options.note ?? (() => undefined);
    const record = readRunRecord(runDir);
    if (record.engine === 'pytorch') throw new Error(`${runDir} is a two-tower run trained on the PyTorch engine; searching it across its towers reads tfjs checkpoints only.`);
    const checkpoint = newestCheckpoint(runDir, note);
    const stored = readEmbeddings(runDir);
    const specDir = dirname(record.specPath);
    // The data gives the tokenizer's vocabulary (checked against the stored one), the scaling of new images and the captions' texts.
    const data = await loadPairedSplit(spec, specDir);
    checkPairs(runDir, stored, data);
    const parts = buildTowerParts(spec, data, specDir, true);
    try {
      restoreChecked(runDir, checkpoint, () => parts.restore(checkpoint));
    } catch (e) {
      parts.dispose();
      throw e;
    }
    const n = data.kept.length;
    const dim = stored.meta.dim;
    const side = (start: number): SideIndex => ({ start, database: new ResidentDatabase(embeddingMatrix(stored.vectors.subarray(start * dim, (start + n) * dim), dim), 'cosine') });
    return new TowerSearchSession(runDir, parts, data, stored, { a: side(0), b: side(n) });
  }

  get count(): number {
    return this.stored.meta.count;
  }

  get dim(): number {
    return this.stored.meta.dim;
  }

  /** The tower that embeds text queries, or null when neither tower is a text tower. */
  private textTower(): Tower | null {
    const { a, b } = this.parts.towers;
    return b.tokenizer !== null ? b : a.tokenizer !== null ? a : null;
  }

  /** The k nearest items of the other side to each text. */
  async searchTexts(texts: readonly string[], k: number): Promise<SearchResults> {
    checkK(k);
    const tower = this.textTower();
    if (tower === null) throw new DataError(this.runDir, 'has no text tower (both towers are networks): give image files or CSV/JSONL rows as queries, not text.');
    const known = new Set(tower.tokenizer!.vocabulary);
    for (const text of texts) {
      const given = words(text);
      if (given.length === 0) throw new DataError(JSON.stringify(text), 'is an empty text query (no words); give some words, e.g. --text "a handwritten seven".');
      if (!given.some((w) => known.has(w))) {
        const sample = tower.tokenizer!.vocabulary.slice(1, 9).join(', ');
        throw new DataError(JSON.stringify(text), `has no word the run's text tower knows (its ${tower.tokenizer!.vocabulary.length - 1} words come from the training captions, e.g. ${sample}); use words of the captions.`);
      }
    }
    const embedded = tower.embedTexts(texts)!;
    return this.answer(texts, 'text', embedded, other(tower.name), k);
  }

  /** The k nearest text-side items (captions) to each query file (images, folders, CSV/JSONL rows; relative to `cwd`). */
  async search(paths: readonly string[], k: number, cwd?: string): Promise<SearchResults> {
    checkK(k);
    const text = this.textTower();
    const { a, b } = this.parts.towers;
    // The network tower takes files; its results are the other side's (the captions when the other is text).
    const network = text === null ? a : text.name === 'a' ? b : a;
    const side = this.data[network.name];
    if (side.kind !== 'samples') throw new DataError(paths.join(', '), `cannot be queries of ${this.runDir}: both towers are text towers; give --text queries.`);
    const shape = side.samples.sampleShape;
    const queries = await readQueries(paths, { kind: side.what === 'image' ? 'images' : 'vectors', inputShape: shape, labelColumn: null }, cwd);
    const embedded = network.embedSamples(side.scale(queries.values), queries.count)!;
    return this.answer(queries.ids, null, embedded, other(network.name), k);
  }

  private answer(queries: readonly string[], kind: 'text' | null, embedded: tf.Tensor2D, target: TowerName, k: number): SearchResults {
    let matrix: EmbeddingMatrix;
    try {
      matrix = embeddingMatrix(embedded.dataSync() as Float32Array, this.dim);
    } finally {
      embedded.dispose();
    }
    const side = this.sides[target];
    const rows = side.database.matrix.rows;
    const texts = this.data[target].kind === 'text';
    // Captions repeat (one text for many images): each distinct caption is listed once, at its nearest item.
    let take = Math.min(rows, texts ? Math.max(20 * k, 200) : k);
    let hits = this.nearest(side, target, matrix, take, texts);
    while (texts && take < rows && hits.some((h) => h.length < k)) {
      take = Math.min(rows, take * 4);
      hits = this.nearest(side, target, matrix, take, texts);
    }
    const results: QueryResult[] = queries.map((query, q) => ({ query, ...(kind !== null ? { kind } : {}), neighbors: hits[q]!.slice(0, k).map((hit, r) => ({ ...hit, rank: r + 1 })) }));
    return { metric: this.metric, index: this.indexKind, count: this.count, results };
  }

  /** Each query's `take` nearest items of side `target`, nearest first; with `distinctTexts`, one per caption text. */
  private nearest(side: SideIndex, target: TowerName, queries: EmbeddingMatrix, take: number, distinctTexts: boolean): SearchHit[][] {
    const found = side.database.search(queries, { k: take });
    return Array.from({ length: queries.rows }, (_, q) => {
      const seen = new Set<string>();
      const hits: SearchHit[] = [];
      for (let r = 0; r < found.k; r++) {
        const row = found.indices[q * found.k + r]!;
        if (row < 0) continue;
        const item = this.describe(side.start + row, target, row);
        if (distinctTexts && item.text !== undefined) {
          if (seen.has(item.text)) continue;
          seen.add(item.text);
        }
        hits.push({ rank: hits.length + 1, ...item, distance: found.distances[q * found.k + r]! });
      }
      return hits;
    });
  }

  /** Row `index` of the run's embeddings, the `position`-th kept pair's side `name`. */
  private describe(index: number, name: TowerName, position: number): Omit<SearchHit, 'rank' | 'distance'> {
    const { meta, samples } = this.stored;
    const label = samples.labels[index] ?? null;
    const side = this.data[name];
    return {
      index,
      id: samples.ids[index]!,
      label,
      className: label !== null && meta.classNames ? (meta.classNames[label] ?? null) : null,
      split: samples.split[index]!,
      ...(side.kind === 'text' ? { text: side.texts[this.data.kept[position]!]! } : {}),
    };
  }

  dispose(): void {
    this.sides.a.database.dispose();
    this.sides.b.database.dispose();
    this.parts.dispose();
  }
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k ${k} must be a positive whole number.`);
}

/** The embeddings must hold the kept pairs of the data read now, side a then side b, in order. */
function checkPairs(runDir: string, stored: Embeddings, data: PairedSplit): void {
  const n = data.kept.length;
  const ids = stored.samples.ids;
  const same = ids.length === 2 * n && Array.from(data.kept).every((p, i) => ids[i] === `a/${data.ids[p]}` && ids[n + i] === `b/${data.ids[p]}`);
  if (!same) throw new Error(`${runDir}: its embeddings do not hold the ${n} pairs its paired data gives now (side a's then side b's); the data changed after training, so the run cannot be searched across its towers.`);
}
