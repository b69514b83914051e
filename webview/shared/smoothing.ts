// TensorBoard-style exponential moving average with debiasing: the first points are not dragged
// towards zero, so a smoothed curve starts where the raw curve starts.

/**
 * Smooths `ys` with weight `weight` in [0, 1). Non-finite inputs pass through unchanged and do not
 * disturb the running average. Writes into `out` when given (same length), else a new array.
 */
export function smoothEma(ys: ArrayLike<number>, weight: number, out?: Float64Array): Float64Array {
  const n = ys.length;
  const result = out ?? new Float64Array(n);
  const w = Math.min(Math.max(weight, 0), 0.999999);
  let last = 0;
  let accumulated = 0;
  for (let i = 0; i < n; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) {
      result[i] = y;
      continue;
    }
    last = last * w + (1 - w) * y;
    accumulated++;
    // 1 - w^t corrects the bias of starting the average at zero.
    const debias = w === 0 ? 1 : 1 - Math.pow(w, accumulated);
    result[i] = last / debias;
  }
  return result;
}
