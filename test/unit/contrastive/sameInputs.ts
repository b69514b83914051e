// Inputs that every backend sees identically (kernel tests compare wasm with cpu).
import { tf } from '../../../server/contrastive/backend';

/** Deterministic values in [-1, 1) (a tiny LCG). */
export function values(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** `values` as a tensor of the given shape, on the current backend. */
export function tensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed), shape);
}
