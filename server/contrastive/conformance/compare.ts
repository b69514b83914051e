// Comparisons with the reference README's tolerances. Each returns a failure message naming the
// largest deviation and where it is, or null when everything is within tolerance.

/** Losses and matrices: |a − e| ≤ 1e-4 · max(1, |e|). */
export const VALUE_RTOL = 1e-4;
/** Gradients: |a − e| ≤ 1e-3 · max|e| + 1e-6, elementwise. */
export const GRAD_RTOL = 1e-3;
export const GRAD_ATOL = 1e-6;

type Nested = number | Nested[];

function flatten(value: Nested, out: number[] = []): number[] {
  if (typeof value === 'number') out.push(value);
  else for (const v of value) flatten(v, out);
  return out;
}

function shapeOf(value: Nested): number[] {
  const shape: number[] = [];
  let v: Nested = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0] ?? 0;
  }
  return shape;
}

function where(index: number, shape: number[]): string {
  if (shape.length === 0) return '';
  const coords: number[] = [];
  let rest = index;
  for (let k = shape.length - 1; k >= 0; k--) {
    const size = shape[k] ?? 1;
    coords.unshift(rest % size);
    rest = Math.floor(rest / size);
  }
  return `[${coords.join(',')}]`;
}

function check(
  what: string,
  actual: ArrayLike<number>,
  expected: Nested,
  tolerance: (e: number, maxAbs: number) => number,
): string | null {
  const shape = shapeOf(expected);
  const e = flatten(expected);
  if (actual.length !== e.length) return `${what}: ${actual.length} values, expected ${e.length} (shape [${shape.join(',')}])`;
  const maxAbs = e.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let worst = -1;
  let worstExcess = 0;
  let worstDev = 0;
  for (let i = 0; i < e.length; i++) {
    const a = actual[i] ?? Number.NaN;
    const ev = e[i] ?? Number.NaN;
    const dev = Math.abs(a - ev);
    const tol = tolerance(ev, maxAbs);
    const excess = Number.isNaN(dev) ? Number.POSITIVE_INFINITY : dev / tol;
    if (excess > 1 && excess > worstExcess) {
      worst = i;
      worstExcess = excess;
      worstDev = dev;
    }
  }
  if (worst < 0) return null;
  return `${what}${where(worst, shape)}: got ${actual[worst]}, expected ${e[worst]} (deviation ${worstDev.toExponential(2)}, ${
    Number.isFinite(worstExcess) ? worstExcess.toFixed(1) : '∞'
  }× the tolerance)`;
}

export function compareValues(what: string, actual: ArrayLike<number>, expected: Nested): string | null {
  return check(what, actual, expected, (e) => VALUE_RTOL * Math.max(1, Math.abs(e)));
}

export function compareGradient(what: string, actual: ArrayLike<number>, expected: Nested): string | null {
  return check(what, actual, expected, (_e, maxAbs) => GRAD_RTOL * maxAbs + GRAD_ATOL);
}

/** Exact set equality of index tuples; reports the first missing and the first unexpected tuple. */
export function compareTuples(what: string, actual: number[][], expected: number[][]): string | null {
  const key = (t: number[]) => t.join(',');
  const got = new Set(actual.map(key));
  const want = new Set(expected.map(key));
  const missing = [...want].filter((k) => !got.has(k));
  const extra = [...got].filter((k) => !want.has(k));
  if (missing.length === 0 && extra.length === 0 && actual.length === expected.length) return null;
  const parts = [`${what}: ${actual.length} tuples, expected ${expected.length}`];
  if (missing.length > 0) parts.push(`${missing.length} missing (first (${missing[0]}))`);
  if (extra.length > 0) parts.push(`${extra.length} unexpected (first (${extra[0]}))`);
  if (missing.length === 0 && extra.length === 0) parts.push('duplicates present');
  return parts.join(', ');
}
