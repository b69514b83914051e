// The run's own distance, as the map's exact neighbour search and the UMAP placement measure it in
// the original embedding space: cosine, dot, euclidean, squared euclidean or manhattan, on vectors
// L2-normalised when the run normalised them (architecture.normalizeOutput or the distance's
// `normalize`). Plain loops over Float32Arrays: no tensor library, so it also runs in the editor's
// processes. Every value is "smaller is nearer" (similarities are turned around).
import { existsSync } from 'node:fs';
import { readJsonObject } from '../shared/files';
import type { ResolvedSpec } from '../spec/types';
import { runPaths } from './paths';

export const RUN_DISTANCES = ['cosine', 'dot', 'euclidean', 'squaredEuclidean', 'manhattan'] as const;
export type RunDistanceName = (typeof RUN_DISTANCES)[number];

export interface RunDistance {
  readonly name: RunDistanceName;
  /** L2-normalise both vectors first. */
  readonly normalize: boolean;
  /** What the distance value means, for a panel's column header. */
  readonly describe: string;
}

const DESCRIBE: Readonly<Record<RunDistanceName, string>> = {
  cosine: 'cosine distance (1 − cos)',
  dot: 'negative dot product (−x·y)',
  euclidean: 'euclidean distance',
  squaredEuclidean: 'squared euclidean distance',
  manhattan: 'manhattan (L1) distance',
};

export function runDistance(name: RunDistanceName, normalize: boolean): RunDistance {
  const n = name === 'cosine' ? true : normalize;
  return { name, normalize: n, describe: `${DESCRIBE[name]}${n && name !== 'cosine' ? ' of L2-normalised vectors' : ''}` };
}

/** The distance of a resolved spec; distribution distances (KL, Jensen-Shannon, Wasserstein) are refused with the choices. */
export function distanceOfSpec(spec: ResolvedSpec): RunDistance {
  const d = spec.distance as { readonly type: string; readonly normalize?: boolean };
  const normalize = spec.architecture.normalizeOutput || d.normalize === true;
  const name = RUN_DISTANCES.find((n) => n === d.type);
  if (name === undefined) {
    throw new Error(`the run's distance '${d.type}' compares softmax distributions; exact neighbours are measured with ${RUN_DISTANCES.join(', ')}: choose one of them explicitly (e.g. --distance cosine)`);
  }
  return runDistance(name, normalize);
}

/** The distance recorded in a run's spec.json (cosine when the run has no spec, as for imported embeddings). */
export function distanceOfRun(runDir: string): RunDistance {
  const file = runPaths(runDir).specJson;
  return existsSync(file) ? distanceOfSpec(readJsonObject<ResolvedSpec>(file, 'recorded spec')) : runDistance('cosine', true);
}

/** Scales each row of rows × dim values to unit length in place (zero rows stay zero). */
export function normalizeRows(values: Float32Array, dim: number): void {
  for (let o = 0; o < values.length; o += dim) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += values[o + j]! * values[o + j]!;
    if (s === 0) continue;
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < dim; j++) values[o + j]! *= inv;
  }
}

/**
 * The distance between row a of `as` and row b of `bs` (rows of length dim), both already
 * normalised when the distance asks for it (so cosine is 1 − the dot product).
 */
export type RowDistance = (as: Float32Array, a: number, bs: Float32Array, b: number, dim: number) => number;

function dotRows(as: Float32Array, a: number, bs: Float32Array, b: number, dim: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const oa = a * dim, ob = b * dim;
  let j = 0;
  // Four running sums: the loop is bound by the multiply-add chain, not by memory.
  for (; j + 4 <= dim; j += 4) {
    s0 += as[oa + j]! * bs[ob + j]!;
    s1 += as[oa + j + 1]! * bs[ob + j + 1]!;
    s2 += as[oa + j + 2]! * bs[ob + j + 2]!;
    s3 += as[oa + j + 3]! * bs[ob + j + 3]!;
  }
  for (; j < dim; j++) s0 += as[oa + j]! * bs[ob + j]!;
  return s0 + s1 + s2 + s3;
}

function squaredRows(as: Float32Array, a: number, bs: Float32Array, b: number, dim: number): number {
  let s0 = 0, s1 = 0;
  const oa = a * dim, ob = b * dim;
  let j = 0;
  for (; j + 2 <= dim; j += 2) {
    const d0 = as[oa + j]! - bs[ob + j]!, d1 = as[oa + j + 1]! - bs[ob + j + 1]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
  }
  for (; j < dim; j++) {
    const d = as[oa + j]! - bs[ob + j]!;
    s0 += d * d;
  }
  return s0 + s1;
}

function manhattanRows(as: Float32Array, a: number, bs: Float32Array, b: number, dim: number): number {
  let s = 0;
  const oa = a * dim, ob = b * dim;
  for (let j = 0; j < dim; j++) s += Math.abs(as[oa + j]! - bs[ob + j]!);
  return s;
}

export function rowDistance(distance: RunDistance): RowDistance {
  switch (distance.name) {
    case 'cosine':
      return (as, a, bs, b, dim) => 1 - dotRows(as, a, bs, b, dim);
    case 'dot':
      return (as, a, bs, b, dim) => -dotRows(as, a, bs, b, dim);
    case 'euclidean':
      return (as, a, bs, b, dim) => Math.sqrt(squaredRows(as, a, bs, b, dim));
    case 'squaredEuclidean':
      return squaredRows;
    case 'manhattan':
      return manhattanRows;
  }
}
