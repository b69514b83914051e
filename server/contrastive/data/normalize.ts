// Normalisation of the loaded values, with statistics from the training split only (the held-out
// samples must not leak into training). Images: `none` keeps 0..255, `zeroOne` divides by 255,
// `standardize` makes each channel zero-mean unit-variance. Vectors: `zeroOne` rescales each
// feature to 0..1, `standardize` makes each feature zero-mean unit-variance; constant features stay 0.
// Fitting (the statistics) and applying are separate so that new samples (search queries) are
// scaled exactly as the run's own were.
import type { DatasetKind } from './types';

/** data.normalize: how input values are scaled. */
export type Normalisation = 'none' | 'zeroOne' | 'standardize';

/**
 * A fitted normalisation: value → (value · scale − offset[g]) / divisor[g], g the channel (images)
 * or feature (vectors) of the value; divisor 0 means 0 (a feature constant in training). `none` and
 * images' `zeroOne` (÷ 255) need no statistics.
 */
export interface NormalisationFit {
  readonly mode: Normalisation;
  readonly kind: DatasetKind;
  /** Values per sample. */
  readonly per: number;
  readonly scale: number;
  /** One per group (channel or feature); empty when the mode needs no statistics. */
  readonly offset: Float64Array;
  readonly divisor: Float64Array;
}

/** Whether `mode` on `kind` data depends on training statistics (false: a fixed rescaling). */
export function needsStatistics(mode: Normalisation, kind: DatasetKind): boolean {
  return mode === 'standardize' || (mode === 'zeroOne' && kind === 'vectors');
}

export function fitNormalisation(values: Float32Array, sampleShape: readonly number[], kind: DatasetKind, train: ArrayLike<number>, mode: Normalisation): NormalisationFit {
  const per = sampleShape.reduce((a, b) => a * b, 1);
  const none = { mode, kind, per, offset: new Float64Array(0), divisor: new Float64Array(0) };
  if (mode === 'none') return { ...none, scale: 1 };
  if (kind === 'images' && mode === 'zeroOne') return { ...none, scale: 1 / 255 };
  // Images share statistics per channel; vectors per feature.
  const groups = kind === 'images' ? sampleShape[2]! : per;
  const groupOf = (p: number): number => (kind === 'images' ? p % groups : p);
  const samples = Array.from(train);
  if (mode === 'zeroOne') {
    const min = new Float64Array(groups).fill(Infinity);
    const max = new Float64Array(groups).fill(-Infinity);
    for (const s of samples) for (let p = 0; p < per; p++) {
      const v = values[s * per + p]!;
      const g = groupOf(p);
      if (v < min[g]!) min[g] = v;
      if (v > max[g]!) max[g] = v;
    }
    // Divisor 0 marks a constant feature (range 0), which maps to 0.
    const divisor = Float64Array.from(min, (lo, g) => (max[g]! - lo > 0 ? max[g]! - lo : 0));
    return { mode, kind, per, scale: 1, offset: min, divisor };
  }
  const scale = kind === 'images' ? 1 / 255 : 1;
  const sum = new Float64Array(groups);
  const sumSq = new Float64Array(groups);
  const n = new Float64Array(groups);
  for (const s of samples) for (let p = 0; p < per; p++) {
    const v = values[s * per + p]! * scale;
    const g = groupOf(p);
    sum[g] += v;
    sumSq[g] += v * v;
    n[g]++;
  }
  const mean = new Float64Array(groups);
  const std = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    mean[g] = n[g]! > 0 ? sum[g]! / n[g]! : 0;
    const variance = n[g]! > 0 ? sumSq[g]! / n[g]! - mean[g]! * mean[g]! : 0;
    std[g] = variance > 1e-12 ? Math.sqrt(variance) : 1;
  }
  return { mode, kind, per, scale, offset: mean, divisor: std };
}

/** The values scaled by a fitted normalisation, as a new array (the input is left as it is). */
export function applyNormalisation(values: Float32Array, fit: NormalisationFit): Float32Array {
  const out = new Float32Array(values);
  if (fit.mode === 'none') return out;
  if (fit.offset.length === 0) {
    for (let i = 0; i < out.length; i++) out[i] = out[i]! / 255;
    return out;
  }
  const groups = fit.offset.length;
  const per = fit.per;
  for (let i = 0; i < out.length; i++) {
    const p = i % per;
    const g = fit.kind === 'images' ? p % groups : p;
    const divisor = fit.divisor[g]!;
    out[i] = divisor === 0 ? 0 : (values[i]! * fit.scale - fit.offset[g]!) / divisor;
  }
  return out;
}

export function normalizeValues(values: Float32Array, sampleShape: readonly number[], kind: DatasetKind, train: Int32Array, mode: Normalisation): Float32Array {
  return applyNormalisation(values, fitNormalisation(values, sampleShape, kind, train, mode));
}
