// Small differentiable building blocks shared by distances, losses and miners. Each one exists
// because the obvious tf op has a gradient problem (NaN at 0, missing kernel on wasm, no
// stop-gradient in tfjs) that would otherwise leak into every loss.
import { tf } from './backend';

/** Identity in the forward pass, zero gradient in the backward pass (torch's `.detach()`). */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const detach = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: (args[0] as tf.Tensor).clone(),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return detach(x) as T;
}

/**
 * Row maxima (keepDims) with no gradient. Computed inside a custom-gradient op, so backprop does not
 * run tf's Max gradient (a broadcast Equal over the whole matrix) only to multiply it by zero.
 */
export function detachedRowMax(x: tf.Tensor2D): tf.Tensor2D {
  const rowMax = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor;
    return { value: tf.max(input, 1, true), gradFunc: () => tf.zerosLike(input) };
  });
  return rowMax(x) as tf.Tensor2D;
}

/**
 * sqrt with a zero (not infinite) gradient at 0, like torch.cdist: where x = 0 the result is 0 and
 * no gradient flows, so a zero distance (the diagonal of a self matrix) never produces NaN.
 * `x` must be ≥ 0 (clamp first).
 */
export function safeSqrt(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const positive = tf.step(x); // 1 where x > 0, else 0; its gradient is 0
    const shifted = tf.add(tf.mul(x, positive), tf.sub(1, positive));
    return tf.mul(tf.sqrt(shifted), positive);
  });
}

/** Rows divided by their L_p norm (p = 1 or 2), with torch F.normalize's eps = 1e-12. */
export function normalizeRows(x: tf.Tensor2D, p: 1 | 2 = 2): tf.Tensor2D {
  return tf.tidy(() => {
    const norm = p === 1 ? tf.sum(tf.abs(x), 1, true) : safeSqrt(tf.sum(tf.square(x), 1, true));
    return tf.div(x, tf.maximum(norm, 1e-12)) as tf.Tensor2D;
  });
}

/**
 * Gathers entries of a matrix by flat (row-major) index, differentiably on every backend: the
 * gradient is a scatter-add (ScatterNd), because tf.gather's own gradient needs
 * UnsortedSegmentSum, which the wasm backend lacks.
 */
export function gatherFlat(matrix: tf.Tensor, flatIndices: Int32Array): tf.Tensor1D {
  const size = matrix.size;
  const gather = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const m = args[0] as tf.Tensor;
    const value = tf.tidy(() => tf.gather(tf.reshape(m, [size]), tf.tensor1d(flatIndices, 'int32')));
    return {
      value,
      // Indices are re-uploaded here: tensors made in the forward pass are freed when it returns.
      gradFunc: (dy: tf.Tensor) =>
        tf.tidy(() => tf.reshape(tf.scatterND(tf.tensor2d(flatIndices, [flatIndices.length, 1], 'int32'), dy, [size]), m.shape)),
    };
  });
  return gather(matrix) as tf.Tensor1D;
}

/**
 * Row-wise log-sum-exp (n×m → n). Like tf.logSumExp, but the max shift is detached: its gradient
 * cancels mathematically, and tf's Max gradient costs a broadcast Equal over the whole matrix.
 */
export function rowLogSumExp(x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const shift = detachedRowMax(x);
    return tf.reshape(tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, shift)), 1, true)), shift), [x.shape[0]]) as tf.Tensor1D;
  });
}

const MASKED = -1e30;

/**
 * Row-wise log-sum-exp over the entries where `mask` (0/1, constant) is 1. Rows with no such entry
 * give 0, as in pytorch-metric-learning. With `addOne`, a 0 logit joins every row:
 * log(1 + Σ exp(x)). Stable (max-shifted) and NaN-free in the gradient, also for empty rows.
 */
export function maskedLogSumExp(x: tf.Tensor2D, mask: tf.Tensor2D, addOne = false): tf.Tensor1D {
  return tf.tidy(() => {
    // Masked-out entries become ≈ MASKED (x is negligible next to it); mask is a constant.
    const masked = tf.add(x, tf.mul(tf.sub(1, mask), MASKED));
    let shift: tf.Tensor = detachedRowMax(masked as tf.Tensor2D);
    const any = tf.step(tf.sum(mask, 1, true));
    shift = addOne ? tf.maximum(shift, 0) : tf.mul(shift, any); // empty rows: shift 0
    let sum = tf.sum(tf.mul(tf.exp(tf.sub(masked, shift)), mask), 1, true);
    sum = addOne ? tf.add(sum, tf.exp(tf.neg(shift))) : tf.add(sum, tf.sub(1, any)); // log(1) = 0 on empty rows
    const lse = tf.add(tf.log(sum), shift);
    return tf.reshape(addOne ? lse : tf.mul(lse, any), [x.shape[0]]) as tf.Tensor1D;
  });
}

/**
 * Identity matrix n×n as float32, from the backend's OneHot kernel: tf.eye fills a TensorBuffer one
 * element at a time in JavaScript (2.3 ms for n = 512 on wasm, this 0.16 ms). The one-hot is made in
 * int32 and cast: tf.oneHot with a float dtype is wrong on wasm.
 */
export function eye(n: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.range(0, n, 1, 'int32'), n), 'float32')) as tf.Tensor2D;
}

/**
 * Rows `indices` of x, differentiable on every backend (a one-hot matrix product: tf.gather's
 * gradient needs UnsortedSegmentSum, which the wasm backend lacks).
 */
export function selectRows(x: tf.Tensor2D, indices: Int32Array): tf.Tensor2D {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.tensor1d(indices, 'int32'), x.shape[0]).toFloat() as tf.Tensor2D;
    return tf.matMul(oneHot, x);
  });
}

/** A scalar 0 that still depends on `x`, so gradients exist (and are 0) when a loss has no terms. */
export function zeroLoss(x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mul(tf.sum(x), 0) as tf.Scalar);
}
