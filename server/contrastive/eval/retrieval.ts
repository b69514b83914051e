// Retrieval metrics over one labelled set searched against itself (each query leaves itself out),
// as in Musgrave et al. 2020, "A Metric Learning Reality Check", and pytorch-metric-learning's
// AccuracyCalculator:
//   precision@1  fraction of queries whose nearest neighbour has the query's label;
//   recall@k     fraction of queries with at least one same-label sample among the k nearest;
//   MAP@R        mean over queries of (1/R) Σ_{i ≤ R} P(i)·rel(i), where R is the number of other
//                samples with the query's label, rel(i) says whether neighbour i shares it and P(i)
//                is the precision of the first i neighbours.
// Queries whose label occurs nowhere else cannot retrieve anything and are left out of every metric.
// MAP@R needs the R nearest of every query; when queries × R would exceed `maxResultEntries`, an
// evenly spaced subset of the queries is evaluated (RetrievalResult.queries says how many).
import type { EmbeddingMatrix } from './embeddingMatrix';
import { classCount } from './labels';
import { type SearchMetric, searchNearest } from './search';

export interface RetrievalOptions {
  readonly recallAtK: readonly number[];
  readonly metric: SearchMetric;
  /** Memory bound on queries × neighbours held at once (default 20 million, about 160 MB). */
  readonly maxResultEntries?: number;
}

const DEFAULT_MAX_RESULT_ENTRIES = 20_000_000;

/** At most `limit` items, evenly spaced, keeping the first. */
function evenlySpaced(items: readonly number[], limit: number): number[] {
  if (items.length <= limit) return [...items];
  return Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)] as number);
}

export interface RetrievalResult {
  readonly precisionAt1: number;
  /** recall@k keyed by k (as written to metrics.jsonl). */
  readonly recallAtK: Readonly<Record<string, number>>;
  readonly mapAtR: number;
  /** Queries that counted (their label occurs at least twice). */
  readonly queries: number;
}

export function retrievalMetrics(embeddings: EmbeddingMatrix, labels: Int32Array, options: RetrievalOptions): RetrievalResult {
  const classes = classCount(labels, embeddings.rows, 'retrieval evaluation');
  for (const k of options.recallAtK) {
    if (!Number.isInteger(k) || k < 1) throw new Error(`retrieval evaluation: recall@k needs positive integers, got ${k} in recallAtK`);
  }
  const perClass = new Int32Array(classes);
  for (const label of labels) perClass[label]! += 1;
  let maxR = 0;
  for (const count of perClass) maxR = Math.max(maxR, count - 1);
  const eligible: number[] = [];
  for (let i = 0; i < labels.length; i++) if ((perClass[labels[i] as number] as number) > 1) eligible.push(i);
  if (eligible.length === 0) {
    throw new Error('retrieval evaluation: no label occurs twice, so no query has a correct neighbour to find; check the labels or the split');
  }
  const k = Math.min(embeddings.rows - 1, Math.max(maxR, ...options.recallAtK));
  const budget = options.maxResultEntries ?? DEFAULT_MAX_RESULT_ENTRIES;
  const counted = evenlySpaced(eligible, Math.max(1, Math.floor(budget / k)));
  const queryData = new Float32Array(counted.length * embeddings.dim);
  counted.forEach((row, i) => queryData.set(embeddings.data.subarray(row * embeddings.dim, (row + 1) * embeddings.dim), i * embeddings.dim));
  const { indices } = searchNearest(embeddings, { data: queryData, rows: counted.length, dim: embeddings.dim }, { k, metric: options.metric, excludeRows: counted, exactDistances: false });

  let precisionSum = 0;
  let averagePrecisionSum = 0;
  const recallHits = options.recallAtK.map(() => 0);
  counted.forEach((row, q) => {
    const label = labels[row] as number;
    const r = (perClass[label] as number) - 1;
    const relevant = (j: number) => labels[indices[q * k + j] as number] === label;
    if (relevant(0)) precisionSum++;
    let firstHit = Infinity;
    let hits = 0;
    let sumPrecision = 0;
    for (let j = 0; j < k; j++) {
      if (!relevant(j)) continue;
      if (firstHit === Infinity) firstHit = j;
      if (j < r) {
        hits++;
        sumPrecision += hits / (j + 1);
      }
    }
    averagePrecisionSum += sumPrecision / r;
    options.recallAtK.forEach((kk, i) => {
      if (firstHit < kk) recallHits[i]! += 1;
    });
  });
  const n = counted.length;
  return {
    precisionAt1: precisionSum / n,
    recallAtK: Object.fromEntries(options.recallAtK.map((kk, i) => [String(kk), (recallHits[i] as number) / n])),
    mapAtR: averagePrecisionSum / n,
    queries: n,
  };
}
