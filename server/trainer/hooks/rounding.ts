// Metric lines carry times and rates rounded to a few digits.
export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
