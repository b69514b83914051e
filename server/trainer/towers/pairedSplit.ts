// The paired data of a two-tower run (`data.pairs`), read and split: the pairs from a file, two
// folders or builtin:digits-captions (server/contrastive/data/pairs), `data.limit` and
// `data.split` applied as for one-sample data, and each side made ready for its tower (pixels and
// numbers scaled by `data.normalize` with the training split's statistics; texts as they are).
import { resolve } from 'node:path';
import { DIGITS_CAPTIONS_SOURCE, loadPairs, type LoadedSide, type PairedData, type PairsSource } from '../../contrastive/data/pairs';
import { DataError } from '../../contrastive/data/errors';
import { splitIndices } from '../../contrastive/data/load';
import { sideSpecOf } from '../../spec/towerFacts';
import type { ResolvedSpec } from '../../spec/types';
import type { HostSamples } from '../gatherRows';

/** A side as its tower reads it: samples for a network tower, texts for a text tower. */
export type SideInput =
  /**
   * `pixels`: an image side's pixels before scaling (0..255), for thumbnails. `scale`: scales new raw
   * inputs of this side (a search query) exactly as the side's own were, with the same statistics.
   */
  | { readonly kind: 'samples'; readonly what: 'image' | 'numeric'; readonly samples: HostSamples; readonly pixels?: Uint8Array; readonly scale: (raw: Float32Array) => Float32Array }
  | { readonly kind: 'text'; readonly texts: readonly string[] };

export interface PairedSplit {
  readonly source: string;
  readonly count: number;
  /** A stable id per pair: `line:N`, a shared file stem, `digits/<class>/<n>`. */
  readonly ids: readonly string[];
  readonly a: SideInput;
  readonly b: SideInput;
  /** Pair indices (into the sides) of the pairs data.limit keeps, ascending: train and test together. */
  readonly kept: Int32Array;
  /** Pair indices (into the sides) of the training and held-out pairs. */
  readonly train: Int32Array;
  readonly test: Int32Array;
  readonly labels: Int32Array | null;
  readonly classNames: readonly string[] | null;
  /** One caption per class for zero-shot classification, or null (no labels or no text side). */
  readonly classCaptions: readonly string[] | null;
}

/** Where `data.pairs` reads from, paths resolved against the spec's folder. */
export function pairsSourceOf(spec: ResolvedSpec, specDir: string): PairsSource {
  const pairs = spec.data.pairs;
  if (pairs === null) throw new Error('data.pairs is not set: a two-tower run reads paired data.');
  if (pairs.folders !== null) return { folders: { a: resolve(specDir, pairs.folders.a), b: resolve(specDir, pairs.folders.b) } };
  if (pairs.source === DIGITS_CAPTIONS_SOURCE) return { builtin: DIGITS_CAPTIONS_SOURCE, seed: spec.data.split.seed };
  if (pairs.source.startsWith('builtin:')) throw new DataError(pairs.source, `no built-in paired dataset of that name; the built-in one is ${DIGITS_CAPTIONS_SOURCE}.`);
  const a = sideSpecOf(pairs.a);
  const b = sideSpecOf(pairs.b);
  if (a === null || b === null) throw new DataError(pairs.source, `data.pairs.${a === null ? 'a' : 'b'} does not say which column holds that side; give it one of image, text or numeric.`);
  return { file: resolve(specDir, pairs.source), a, b, labelColumn: pairs.labelColumn };
}

/** The side's scaling by data.normalize, fitted on the training pairs; applies to any rows of `dim` values. */
function fitScaling(values: Float32Array, dim: number, train: Int32Array, how: ResolvedSpec['data']['normalize'], pixels: boolean): (raw: Float32Array) => Float32Array {
  if (how === 'none') return (raw) => raw;
  if (pixels && how === 'zeroOne') return (raw) => raw.map((v) => v / 255);
  // Per feature, from the training pairs only: the held-out pairs must not shape the scaling.
  const offset = new Float64Array(dim);
  const divisor = new Float64Array(dim);
  for (let d = 0; d < dim; d++) {
    let lo = Infinity;
    let hi = -Infinity;
    let sum = 0;
    let squares = 0;
    for (const i of train) {
      const v = values[i * dim + d]!;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      sum += v;
      squares += v * v;
    }
    const mean = sum / train.length;
    const std = Math.sqrt(Math.max(0, squares / train.length - mean * mean)) || 1;
    const range = hi - lo || 1;
    offset[d] = how === 'zeroOne' ? lo : mean;
    divisor[d] = how === 'zeroOne' ? range : std;
  }
  return (raw) => {
    const out = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = (raw[i]! - offset[i % dim]!) / divisor[i % dim]!;
    return out;
  };
}

function sideInput(side: LoadedSide, train: Int32Array, how: ResolvedSpec['data']['normalize']): SideInput {
  if (side.kind === 'text') return { kind: 'text', texts: side.texts };
  if (side.kind === 'image') {
    const [h, w, c] = side.shape;
    const values = Float32Array.from(side.pixels);
    const scale = fitScaling(values, h * w * c, train, how, true);
    return { kind: 'samples', what: 'image', samples: { values: scale(values), sampleShape: [h, w, c] }, pixels: side.pixels, scale };
  }
  const scale = fitScaling(side.values, side.dim, train, how, false);
  return { kind: 'samples', what: 'numeric', samples: { values: scale(side.values), sampleShape: [side.dim] }, scale };
}

/** The class prompts: the built-in set's own, or `classCaption` with each class name. */
function classCaptionsOf(data: PairedData, template: string): readonly string[] | null {
  if (data.labels === null || data.classNames === null) return null;
  if (data.a.kind !== 'text' && data.b.kind !== 'text') return null;
  const own = (data as PairedData & { classCaptions?: readonly string[] }).classCaptions;
  return own ?? data.classNames.map((name) => template.replaceAll('{label}', name));
}

export async function loadPairedSplit(spec: ResolvedSpec, specDir: string): Promise<PairedSplit> {
  const data = await loadPairs(pairsSourceOf(spec, specDir), { size: spec.data.imageSize, channels: spec.data.channels });
  const { keep, train, test } = splitIndices(data.count, spec.data.limit, spec.data.split.testFraction, spec.data.split.seed);
  const toPair = (positions: Int32Array) => Int32Array.from(positions, (p) => keep[p]!);
  const trainPairs = toPair(train);
  const how = spec.data.normalize;
  return {
    source: data.source,
    count: keep.length,
    ids: data.ids,
    kept: keep,
    a: sideInput(data.a, trainPairs, how),
    b: sideInput(data.b, trainPairs, how),
    train: trainPairs,
    test: toPair(test),
    labels: data.labels,
    classNames: data.classNames,
    classCaptions: classCaptionsOf(data, spec.data.pairs!.classCaption),
  };
}
