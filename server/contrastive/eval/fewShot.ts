// Few-shot evaluation on frozen embeddings (Snell et al. 2017, "Prototypical Networks"; the
// protocol of Chen et al. 2019, "A Closer Look at Few-shot Classification"): an N-way K-shot
// episode draws N classes and, from each, K support and Q query samples, all distinct; each class's
// prototype is the mean of its support embeddings, and each query is given the class of the nearest
// prototype under the run's distance. The figure is the mean episode accuracy with its 95 %
// confidence interval.
//
// The draws are specified exactly (engines/pytorch/contrastive_lab_torch/fewshot.py makes the same
// ones from the same seed): a generator derivedRandom(seed, 'fewShot', ways, shots); per episode,
// N of the eligible classes (ascending label order) by a partial Fisher–Yates draw, then for each
// chosen class in the drawn order K + Q of its rows (ascending row order) the same way, the first
// K the support. A class is eligible when it has at least K + Q samples.
import { derivedRandom, type Random } from '../random';
import { meanWithCi95 } from './confidence';
import type { EmbeddingMatrix } from './embeddingMatrix';
import { classCount } from './labels';
import type { SearchMetric } from './search';

export interface FewShotOptions {
  /** N: classes per episode. */
  readonly ways: number;
  /** K: labelled (support) samples per class. */
  readonly shots: number;
  /** Q: query samples per class. */
  readonly queries: number;
  readonly episodes: number;
  readonly seed: number;
  /** cosine: the prototype of the L2-normalised supports, nearest by cosine; euclidean: the plain mean, nearest by distance. */
  readonly metric: SearchMetric;
}

export interface FewShotResult {
  /** Mean accuracy over the episodes. */
  readonly accuracy: number;
  /** Half-width of its 95 % confidence interval (1.96 · sd / √episodes). */
  readonly ci95: number;
  readonly episodes: number;
  /** Each episode's accuracy (correct queries / (N · Q)), in draw order. */
  readonly episodeAccuracies: Float64Array;
}

/** One episode: `ways` classes in draw order, each with its support rows then its query rows. */
export interface Episode {
  readonly classes: readonly number[];
  readonly support: readonly (readonly number[])[];
  readonly queries: readonly (readonly number[])[];
}

/** `count` distinct positions of 0..n-1 in draw order: the first `count` steps of a Fisher–Yates shuffle. */
export function drawDistinct(rng: Random, n: number, count: number): number[] {
  if (count > n) throw new RangeError(`cannot draw ${count} distinct items from ${n}`);
  const items = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.nextInt(n - i);
    const swap = items[i] as number;
    items[i] = items[j] as number;
    items[j] = swap;
  }
  return items.slice(0, count);
}

/** Rows of each label, in ascending row order, keyed by label in ascending order. */
function rowsByClass(labels: Int32Array): Map<number, number[]> {
  const byClass = new Map<number, number[]>();
  labels.forEach((label, row) => {
    const rows = byClass.get(label);
    if (rows === undefined) byClass.set(label, [row]);
    else rows.push(row);
  });
  return new Map([...byClass.entries()].sort((a, b) => a[0] - b[0]));
}

/** The classes with at least shots + queries samples, ascending. */
export function eligibleClasses(labels: Int32Array, shots: number, queries: number): number[] {
  return [...rowsByClass(labels).entries()].filter(([, rows]) => rows.length >= shots + queries).map(([label]) => label);
}

/**
 * Why these labels cannot hold N-way K-shot episodes with Q queries, or null when they can. One
 * sentence naming the shortfall and what to change.
 */
export function fewShotShortfall(labels: Int32Array, o: Pick<FewShotOptions, 'ways' | 'shots' | 'queries'>): string | null {
  const eligible = eligibleClasses(labels, o.shots, o.queries).length;
  if (eligible >= o.ways) return null;
  const classes = rowsByClass(labels).size;
  return `eval.fewShot: ${o.ways}-way ${o.shots}-shot episodes need ${o.ways} classes with at least ${o.shots + o.queries} held-out samples each (${o.shots} shots + ${o.queries} queries), but the held-out split has ${eligible} such class${eligible === 1 ? '' : 'es'} of ${classes}; lower eval.fewShot.ways or queries, or hold out more samples (data.split.testFraction)`;
}

function checkOptions(o: FewShotOptions): void {
  const positive = (name: keyof FewShotOptions, min: number) => {
    const v = o[name] as number;
    if (!Number.isInteger(v) || v < min) throw new Error(`few-shot evaluation: ${name} must be an integer of at least ${min}, got ${v}`);
  };
  positive('ways', 2);
  positive('shots', 1);
  positive('queries', 1);
  positive('episodes', 1);
}

/** The episodes of these options, drawn from their seed (see the header for the exact procedure). */
export function* drawEpisodes(labels: Int32Array, o: Omit<FewShotOptions, 'metric'>): Generator<Episode> {
  const byClass = rowsByClass(labels);
  const eligible = [...byClass.entries()].filter(([, rows]) => rows.length >= o.shots + o.queries);
  if (eligible.length < o.ways) throw new Error(fewShotShortfall(labels, o) as string);
  const rng = derivedRandom(o.seed, 'fewShot', o.ways, o.shots);
  for (let e = 0; e < o.episodes; e++) {
    const chosen = drawDistinct(rng, eligible.length, o.ways).map((i) => eligible[i] as [number, number[]]);
    const support: number[][] = [];
    const queries: number[][] = [];
    for (const [, rows] of chosen) {
      const picked = drawDistinct(rng, rows.length, o.shots + o.queries).map((i) => rows[i] as number);
      support.push(picked.slice(0, o.shots));
      queries.push(picked.slice(o.shots));
    }
    yield { classes: chosen.map(([label]) => label), support, queries };
  }
}

/** Rows as float64, L2-normalised for cosine (a zero row stays zero). */
function prepared(matrix: EmbeddingMatrix, metric: SearchMetric): Float64Array {
  const out = Float64Array.from(matrix.data);
  if (metric !== 'cosine') return out;
  for (let r = 0; r < matrix.rows; r++) {
    let squared = 0;
    for (let j = 0; j < matrix.dim; j++) squared += (out[r * matrix.dim + j] as number) ** 2;
    const scale = squared > 0 ? 1 / Math.sqrt(squared) : 0;
    for (let j = 0; j < matrix.dim; j++) out[r * matrix.dim + j]! *= scale;
  }
  return out;
}

/** The episode's class prototypes: means of the support rows, scaled to unit length for cosine. */
function prototypesOf(x: Float64Array, dim: number, episode: Episode, metric: SearchMetric): Float64Array {
  const ways = episode.classes.length;
  const prototypes = new Float64Array(ways * dim);
  for (let c = 0; c < ways; c++) {
    const rows = episode.support[c] as readonly number[];
    const base = c * dim;
    for (const row of rows) {
      const from = row * dim;
      for (let j = 0; j < dim; j++) prototypes[base + j]! += x[from + j] as number;
    }
    let squared = 0;
    for (let j = 0; j < dim; j++) {
      prototypes[base + j]! /= rows.length;
      squared += (prototypes[base + j] as number) ** 2;
    }
    if (metric === 'cosine' && squared > 0) {
      const scale = 1 / Math.sqrt(squared);
      for (let j = 0; j < dim; j++) prototypes[base + j]! *= scale;
    }
  }
  return prototypes;
}

/** The row's score against each prototype (higher is nearer): cosine, the dot product of unit vectors; euclidean, minus the squared distance. */
function nearestPrototype(x: Float64Array, from: number, prototypes: Float64Array, ways: number, dim: number, cosine: boolean): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let c = 0; c < ways; c++) {
    const base = c * dim;
    let score = 0;
    if (cosine) {
      for (let j = 0; j < dim; j++) score += (x[from + j] as number) * (prototypes[base + j] as number);
    } else {
      for (let j = 0; j < dim; j++) {
        const d = (x[from + j] as number) - (prototypes[base + j] as number);
        score -= d * d;
      }
    }
    // Strictly greater: the first prototype wins a tie.
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best;
}

/** Fraction of the episode's queries whose nearest prototype is their own class's. */
function episodeAccuracy(x: Float64Array, dim: number, episode: Episode, metric: SearchMetric): number {
  const ways = episode.classes.length;
  const prototypes = prototypesOf(x, dim, episode, metric);
  let correct = 0;
  let total = 0;
  for (let truth = 0; truth < ways; truth++) {
    for (const row of episode.queries[truth] as readonly number[]) {
      if (nearestPrototype(x, row * dim, prototypes, ways, dim, metric === 'cosine') === truth) correct++;
      total++;
    }
  }
  return correct / total;
}

export function fewShotAccuracy(embeddings: EmbeddingMatrix, labels: Int32Array, options: FewShotOptions): FewShotResult {
  checkOptions(options);
  classCount(labels, embeddings.rows, 'few-shot evaluation');
  const x = prepared(embeddings, options.metric);
  const accuracies = new Float64Array(options.episodes);
  let e = 0;
  for (const episode of drawEpisodes(labels, options)) accuracies[e++] = episodeAccuracy(x, embeddings.dim, episode, options.metric);
  const { mean, ci95 } = meanWithCi95(accuracies);
  return { accuracy: mean, ci95, episodes: options.episodes, episodeAccuracies: accuracies };
}

/** The metrics.jsonl key of an N-way K-shot figure, e.g. `5way-1shot`. */
export function fewShotKey(ways: number, shots: number): string {
  return `${ways}way-${shots}shot`;
}
