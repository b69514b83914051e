// Normalisation of the loaded values, with statistics from the training split only (the held-out
// samples must not leak into training). Images: `none` keeps 0..255, `zeroOne` divides by 255,
// `standardize` makes each channel zero-mean unit-variance. Vectors: `zeroOne` rescales each
// feature to 0..1, `standardize` makes each feature zero-mean unit-variance; constant features stay 0.
import type { DatasetKind } from './types';

/** data.normalize: how input values are scaled. */
export type Normalisation = 'none' | 'zeroOne' | 'standardize';

export function normalizeValues(values: Float32Array, sampleShape: readonly number[], kind: DatasetKind, train: Int32Array, mode: Normalisation): Float32Array {
  const out = new Float32Array(values);
  if (mode === 'none') return out;
  const per = sampleShape.reduce((a, b) => a * b, 1);
  // Images share statistics per channel; vectors per feature.
  const groups = kind === 'images' ? sampleShape[2]! : per;
  const groupOf = (p: number): number => (kind === 'images' ? p % groups : p);
  if (kind === 'images' && mode === 'zeroOne') {
    for (let i = 0; i < out.length; i++) out[i] = out[i]! / 255;
    return out;
  }
  const scale = kind === 'images' ? 1 / 255 : 1;
  if (mode === 'zeroOne') {
    const min = new Float64Array(groups).fill(Infinity);
    const max = new Float64Array(groups).fill(-Infinity);
    for (const s of train) for (let p = 0; p < per; p++) {
      const v = values[s * per + p]!;
      const g = groupOf(p);
      if (v < min[g]!) min[g] = v;
      if (v > max[g]!) max[g] = v;
    }
    for (let i = 0; i < out.length; i++) {
      const g = groupOf(i % per);
      const range = max[g]! - min[g]!;
      out[i] = range > 0 ? (values[i]! - min[g]!) / range : 0;
    }
    return out;
  }
  const sum = new Float64Array(groups);
  const sumSq = new Float64Array(groups);
  const n = new Float64Array(groups);
  for (const s of train) for (let p = 0; p < per; p++) {
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
  for (let i = 0; i < out.length; i++) {
    const g = groupOf(i % per);
    out[i] = (values[i]! * scale - mean[g]!) / std[g]!;
  }
  return out;
}
