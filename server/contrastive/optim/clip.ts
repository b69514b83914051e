// Gradient clipping by global norm: when ‖(g₁, …, gₙ)‖₂ exceeds maxNorm every gradient is scaled by
// maxNorm / norm, which keeps the update's direction (unlike per-value clipping).
import { tf } from '../backend';

export interface ClippedGradients<T> {
  /** New gradient tensors (the caller disposes them, and the originals). */
  readonly gradients: T[];
  /** The global norm before clipping (for logs: a spike reveals an exploding step). */
  readonly norm: number;
}

export function clipByGlobalNorm<T extends { readonly gradient: tf.Tensor }>(items: readonly T[], maxNorm: number): ClippedGradients<T> {
  if (!(maxNorm > 0)) throw new Error(`strategy.gradientClipNorm is ${maxNorm}; it must be a positive number (or null for no clipping).`);
  // m·sqrt(Σ(g/m)²) with m = max|g|: a plain sqrt(Σg²) overflows float32 once some |g| > ~1.8e19,
  // and maxNorm / ∞ = 0 would silently zero every update (finite gradients, nothing for the guard).
  const normTensor = tf.tidy(() => {
    if (items.length === 0) return tf.scalar(0);
    const m = tf.max(tf.stack(items.map((i) => tf.max(tf.abs(i.gradient)))));
    const safe = tf.maximum(m, 1e-30);
    return tf.mul(m, tf.sqrt(tf.addN(items.map((i) => tf.sum(tf.square(tf.div(i.gradient, safe)))))));
  });
  const norm = normTensor.dataSync()[0] ?? 0;
  normTensor.dispose();
  const scale = norm > maxNorm ? maxNorm / norm : 1;
  const gradients = items.map((item) => ({ ...item, gradient: scale === 1 ? item.gradient.clone() : tf.mul(item.gradient, scale) }));
  return { gradients, norm };
}
