// A run's stored embeddings as the gallery and the map need them: display labels, ids, the sprite
// layout, and an exact k-nearest search for one query. Plain JavaScript over the float32 rows
// (one query costs count × dim multiply-adds: about a millisecond for 10,000 × 128), so the
// extension host never loads a tensor library.
import * as fs from 'node:fs';
import type { EmbeddingsMeta, SampleIndex } from '../../server/runs/format';
import { readEmbeddings } from '../../server/runs/embeddings';
import { runPaths } from '../../server/runs/paths';
import { cosineOfRows, euclideanOfRows } from '../../server/contrastive/eval/embeddingMatrix';

export type NeighbourMetric = 'cosine' | 'euclidean';

export interface LoadedEmbeddings {
  readonly meta: EmbeddingsMeta;
  readonly vectors: Float32Array;
  readonly samples: SampleIndex;
  /** Display label per row: the class name, else the label number, else ''. */
  readonly labels: readonly string[];
  readonly metric: NeighbourMetric;
}

export interface FoundNeighbour {
  readonly index: number;
  readonly distance: number;
}

/**
 * Distance used for neighbours: euclidean for un-normalised euclidean/manhattan specs, else cosine —
 * the rule of metricForSpec in server/trainer/neighbors.ts (the CLI's `neighbors`), which cannot be
 * imported here because that module loads the tensor library.
 */
export function metricForSpec(spec: unknown): NeighbourMetric {
  if (typeof spec !== 'object' || spec === null) return 'cosine';
  const s = spec as { distance?: { type?: unknown; normalize?: unknown }; architecture?: { normalizeOutput?: unknown } };
  const type = s.distance?.type;
  const euclideanFamily = type === 'euclidean' || type === 'squaredEuclidean' || type === 'manhattan';
  return euclideanFamily && s.distance?.normalize !== true && s.architecture?.normalizeOutput !== true ? 'euclidean' : 'cosine';
}

export function displayLabels(meta: EmbeddingsMeta, samples: SampleIndex): string[] {
  return samples.labels.map((label) => (label === null ? '' : meta.classNames?.[label] ?? String(label)));
}

export function loadEmbeddings(runDir: string): LoadedEmbeddings {
  const { meta, vectors, samples } = readEmbeddings(runDir);
  let spec: unknown;
  try {
    spec = JSON.parse(fs.readFileSync(runPaths(runDir).specJson, 'utf8'));
  } catch {
    spec = undefined;
  }
  return { meta, vectors, samples, labels: displayLabels(meta, samples), metric: metricForSpec(spec) };
}

/** The k rows nearest to row `query` (itself excluded), nearest first. */
export function nearestNeighbours(vectors: Float32Array, dim: number, query: number, k: number, metric: NeighbourMetric): FoundNeighbour[] {
  const count = Math.floor(vectors.length / dim);
  if (!Number.isInteger(query) || query < 0 || query >= count) throw new RangeError(`sample ${query} does not exist; the run has ${count} embeddings (0 to ${count - 1})`);
  const best: FoundNeighbour[] = [];
  const qStart = query * dim;
  for (let row = 0; row < count; row++) {
    if (row === query) continue;
    const distance = metric === 'cosine' ? 1 - cosineOfRows(vectors, qStart, vectors, row * dim, dim) : euclideanOfRows(vectors, qStart, vectors, row * dim, dim);
    if (best.length === k && distance >= best[k - 1]!.distance) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]!.distance > distance) at--;
    best.splice(at, 0, { index: row, distance });
    if (best.length > k) best.pop();
  }
  return best;
}

/** Cache keyed by run folder; reloaded when meta.json changes (a re-embed). */
export class EmbeddingsCache {
  private readonly entries = new Map<string, { mtimeMs: number; value: LoadedEmbeddings }>();

  get(runDir: string): LoadedEmbeddings {
    const mtimeMs = fs.statSync(runPaths(runDir).embeddingsMeta).mtimeMs;
    const hit = this.entries.get(runDir);
    if (hit && hit.mtimeMs === mtimeMs) return hit.value;
    const value = loadEmbeddings(runDir);
    this.entries.clear(); // one run's embeddings at a time: they can be large
    this.entries.set(runDir, { mtimeMs, value });
    return value;
  }
}
