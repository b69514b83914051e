// The mean of repeated measurements (few-shot episodes) and the half-width of its 95 % confidence
// interval, 1.96 · sd / √n, as few-shot papers report it (Snell et al. 2017, Chen et al. 2019).
// sd is the population standard deviation (numpy's np.std, which those papers' code uses).

export interface MeanWithInterval {
  readonly mean: number;
  /** Half-width of the 95 % interval: the mean is reported as mean ± ci95. */
  readonly ci95: number;
}

export function meanWithCi95(values: ArrayLike<number>): MeanWithInterval {
  const n = values.length;
  if (n === 0) throw new Error('confidence interval: no values to average');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((values[i] as number) - mean) ** 2;
  return { mean, ci95: (1.96 * Math.sqrt(squares / n)) / Math.sqrt(n) };
}
