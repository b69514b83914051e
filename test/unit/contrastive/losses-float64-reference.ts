// Independent float64 implementations of the reference definitions (test/fixtures/reference/README.md
// and each fixture's `definition`), written with plain loops, plus central finite differences.
// The tests use them to check the library at the non-default settings the README lists.

export type M = number[][];

/** Deterministic pseudo-random numbers (mulberry32), rounded to float32 like the fixtures' inputs. */
export function randomMatrix(rows: number, cols: number, seed: number, scale = 1): M {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => {
      const gaussian = Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
      return Math.fround(gaussian * scale);
    }),
  );
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const relu = (x: number) => Math.max(0, x);
const softplus = (x: number) => (x > 30 ? x : Math.log1p(Math.exp(x)));
function lse(xs: number[]): number {
  if (xs.length === 0) return 0;
  const m = Math.max(...xs);
  return m + Math.log(sum(xs.map((x) => Math.exp(x - m))));
}
const dot = (a: number[], b: number[]) => sum(a.map((v, k) => v * (b[k] ?? 0)));

export function normalize(x: M, p: 1 | 2 = 2): M {
  return x.map((r) => {
    const n = p === 1 ? sum(r.map(Math.abs)) : Math.sqrt(dot(r, r));
    return r.map((v) => v / Math.max(n, 1e-12));
  });
}
export const euclid = (a: M, b: M): M => a.map((x) => b.map((y) => Math.sqrt(sum(x.map((v, k) => (v - (y[k] ?? 0)) ** 2)))));
export const sqEuclid = (a: M, b: M): M => a.map((x) => b.map((y) => sum(x.map((v, k) => (v - (y[k] ?? 0)) ** 2))));
export const manhattan = (a: M, b: M): M => a.map((x) => b.map((y) => sum(x.map((v, k) => Math.abs(v - (y[k] ?? 0))))));
export const dots = (a: M, b: M): M => a.map((x) => b.map((y) => dot(x, y)));
export const cosine = (a: M, b: M): M => dots(normalize(a), normalize(b));

function softmaxRows(x: M, t: number): M {
  return x.map((r) => {
    const s = r.map((v) => v / t);
    const l = lse(s);
    return s.map((v) => Math.exp(v - l));
  });
}
export function kl(a: M, b: M, t: number): M {
  const p = softmaxRows(a, t);
  const q = softmaxRows(b, t);
  return p.map((pi) => q.map((qj) => sum(pi.map((v, k) => v * (Math.log(v) - Math.log(qj[k] ?? 1))))));
}
export function js(a: M, b: M, t: number): M {
  const p = softmaxRows(a, t);
  const q = softmaxRows(b, t);
  const klv = (u: number[], w: number[]) => sum(u.map((v, k) => v * (Math.log(v) - Math.log(w[k] ?? 1))));
  return p.map((pi) =>
    q.map((qj) => {
      const m = pi.map((v, k) => (v + (qj[k] ?? 0)) / 2);
      return 0.5 * klv(pi, m) + 0.5 * klv(qj, m);
    }),
  );
}
export function w1(a: M, b: M, t: number): M {
  const cdf = (r: number[]) => {
    let c = 0;
    return r.slice(0, -1).map((v) => (c += v));
  };
  const p = softmaxRows(a, t).map(cdf);
  const q = softmaxRows(b, t).map(cdf);
  return manhattan(p, q);
}

// ---- labelled pairs ------------------------------------------------------------------------
const isPos = (y: number[], i: number, j: number) => i !== j && y[i] === y[j];
const isNeg = (y: number[], i: number, j: number) => y[i] !== y[j];
const avgNonZero = (terms: number[]) => {
  const nz = terms.filter((v) => v > 0);
  return nz.length === 0 ? 0 : sum(nz) / nz.length;
};
const mean = (terms: number[]) => (terms.length === 0 ? 0 : sum(terms) / terms.length);

export function contrastive(x: M, y: number[], posMargin: number, negMargin: number): number {
  const d = euclid(normalize(x), normalize(x));
  const pos: number[] = [];
  const neg: number[] = [];
  y.forEach((_a, i) =>
    y.forEach((_b, j) => {
      if (isPos(y, i, j)) pos.push(relu((d[i]?.[j] ?? 0) - posMargin));
      if (isNeg(y, i, j)) neg.push(relu(negMargin - (d[i]?.[j] ?? 0)));
    }),
  );
  return avgNonZero(pos) + avgNonZero(neg);
}

/** `swap`: use min(D_an, D_pn) as the negative distance; `smooth`: softplus instead of relu. */
export function triplet(x: M, y: number[], margin: number, swap = false, smooth = false): number {
  const d = euclid(normalize(x), normalize(x));
  const terms: number[] = [];
  for (let a = 0; a < y.length; a++)
    for (let p = 0; p < y.length; p++)
      for (let n = 0; n < y.length; n++) {
        if (!isPos(y, a, p) || !isNeg(y, a, n)) continue;
        const an = swap ? Math.min(d[a]?.[n] ?? 0, d[p]?.[n] ?? 0) : (d[a]?.[n] ?? 0);
        const violation = (d[a]?.[p] ?? 0) - an + margin;
        terms.push(smooth ? softplus(violation) : relu(violation));
      }
  return avgNonZero(terms);
}

export function nPairsUnnormalized(x: M, y: number[]): number {
  const anchors: number[][] = [];
  const positives: number[][] = [];
  for (const c of [...new Set(y)].sort((a, b) => a - b)) {
    const members = y.map((v, i) => [v, i] as const).filter(([v]) => v === c).map(([, i]) => i);
    if (members.length >= 2) {
      anchors.push(x[members[0] ?? 0] ?? []);
      positives.push(x[members[1] ?? 0] ?? []);
    }
  }
  const s = dots(anchors, positives);
  return mean(s.map((row, c) => lse(row) - (row[c] ?? 0)));
}

function liftedTerms(d: M, y: number[], posMargin: number, negMargin: number): number[] {
  const terms: number[] = [];
  y.forEach((_a, a) =>
    y.forEach((_p, p) => {
      if (!isPos(y, a, p)) return;
      const negs: number[] = [];
      y.forEach((_k, k) => {
        if (isNeg(y, a, k)) negs.push(negMargin - (d[a]?.[k] ?? 0));
      });
      y.forEach((_k, k) => {
        if (isNeg(y, p, k)) negs.push(negMargin - (d[p]?.[k] ?? 0));
      });
      terms.push(relu(lse(negs) + (d[a]?.[p] ?? 0) - posMargin) ** 2 / 2);
    }),
  );
  return terms;
}
export const lifted = (x: M, y: number[], pm: number, nm: number) => mean(liftedTerms(euclid(normalize(x), normalize(x)), y, pm, nm));

export function generalizedLifted(x: M, y: number[], pm: number, nm: number): number {
  const d = euclid(normalize(x), normalize(x));
  return mean(
    y.map((_v, i) => {
      const pos = y.flatMap((_w, j) => (isPos(y, i, j) ? [(d[i]?.[j] ?? 0) - pm] : []));
      const neg = y.flatMap((_w, k) => (isNeg(y, i, k) ? [nm - (d[i]?.[k] ?? 0)] : []));
      return relu(lse(pos) + lse(neg));
    }),
  );
}

export function ntxent(x: M, y: number[], t: number): number {
  const s = cosine(x, x).map((r) => r.map((v) => v / t));
  const terms: number[] = [];
  y.forEach((_a, i) =>
    y.forEach((_b, j) => {
      if (!isPos(y, i, j)) return;
      const negs = y.flatMap((_w, k) => (isNeg(y, i, k) ? [s[i]?.[k] ?? 0] : []));
      terms.push(lse([s[i]?.[j] ?? 0, ...negs]) - (s[i]?.[j] ?? 0));
    }),
  );
  return mean(terms);
}

export function supCon(x: M, y: number[], t: number): number {
  const s = cosine(x, x).map((r) => r.map((v) => v / t));
  return avgNonZero(
    y.map((_v, i) => {
      const pos = y.flatMap((_w, j) => (isPos(y, i, j) ? [j] : []));
      if (pos.length === 0) return 0;
      const denom = lse(y.flatMap((_w, k) => (k !== i ? [s[i]?.[k] ?? 0] : [])));
      return -mean(pos.map((j) => (s[i]?.[j] ?? 0) - denom));
    }),
  );
}

/** `alphaFrom`: the similarities the weights α are computed from (detached in the definition). */
export function circle(x: M, y: number[], m: number, gamma: number, alphaFrom?: M): number {
  const s = cosine(x, x);
  const fixed = alphaFrom ?? s;
  return avgNonZero(
    y.map((_v, i) => {
      const pos = y.flatMap((_w, j) => (isPos(y, i, j) ? [[s[i]?.[j] ?? 0, fixed[i]?.[j] ?? 0] as const] : []));
      const neg = y.flatMap((_w, k) => (isNeg(y, i, k) ? [[s[i]?.[k] ?? 0, fixed[i]?.[k] ?? 0] as const] : []));
      if (pos.length === 0 || neg.length === 0) return 0;
      const lp = lse(pos.map(([v, f]) => -gamma * relu(1 + m - f) * (v - (1 - m))));
      const ln = lse(neg.map(([v, f]) => gamma * relu(f + m) * (v - m)));
      return softplus(lp + ln);
    }),
  );
}

export function multiSimilarity(x: M, y: number[], alpha: number, beta: number, base: number): number {
  const s = cosine(x, x);
  return mean(
    y.map((_v, i) => {
      const pos = y.flatMap((_w, j) => (isPos(y, i, j) ? [-alpha * ((s[i]?.[j] ?? 0) - base)] : []));
      const neg = y.flatMap((_w, k) => (isNeg(y, i, k) ? [beta * ((s[i]?.[k] ?? 0) - base)] : []));
      return lse([0, ...pos]) / alpha + lse([0, ...neg]) / beta;
    }),
  );
}

export function softNearestNeighbor(view1: M, view2: M, t: number): number {
  const z = [...view1, ...view2];
  const n = view1.length;
  const y = z.map((_r, i) => i % n);
  const d = sqEuclid(z, z);
  return mean(
    y.map((_v, i) => {
      const pos = y.flatMap((_w, j) => (isPos(y, i, j) ? [-(d[i]?.[j] ?? 0) / t] : []));
      const all = y.flatMap((_w, k) => (k !== i ? [-(d[i]?.[k] ?? 0) / t] : []));
      return lse(all) - lse(pos);
    }),
  );
}

function columnStats(z: M, unbiased: boolean): { centred: M; variance: number[] } {
  const n = z.length;
  const d = z[0]?.length ?? 0;
  const means = Array.from({ length: d }, (_v, k) => sum(z.map((r) => r[k] ?? 0)) / n);
  const centred = z.map((r) => r.map((v, k) => v - (means[k] ?? 0)));
  const variance = Array.from({ length: d }, (_v, k) => sum(centred.map((r) => (r[k] ?? 0) ** 2)) / (unbiased ? n - 1 : n));
  return { centred, variance };
}

export function vicreg(z1: M, z2: M, lambda: number, mu: number, nu: number, eps: number): number {
  const n = z1.length;
  const d = z1[0]?.length ?? 0;
  const inv = sum(z1.flatMap((r, i) => r.map((v, k) => (v - (z2[i]?.[k] ?? 0)) ** 2))) / (n * d);
  const varTerm = (z: M) => mean(columnStats(z, true).variance.map((v) => relu(1 - Math.sqrt(v + eps)) / 2));
  const covTerm = (z: M) => {
    const { centred } = columnStats(z, true);
    let total = 0;
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) if (a !== b) total += (sum(centred.map((r) => (r[a] ?? 0) * (r[b] ?? 0))) / (n - 1)) ** 2;
    return total / d;
  };
  return lambda * inv + mu * (varTerm(z1) + varTerm(z2)) + nu * (covTerm(z1) + covTerm(z2));
}

export function barlowTwins(z1: M, z2: M, lambda: number): number {
  const n = z1.length;
  const d = z1[0]?.length ?? 0;
  const bn = (z: M) => {
    const { centred, variance } = columnStats(z, false);
    return centred.map((r) => r.map((v, k) => v / Math.sqrt((variance[k] ?? 0) + 1e-5)));
  };
  const a = bn(z1);
  const b = bn(z2);
  let total = 0;
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      const c = sum(a.map((r, s) => (r[i] ?? 0) * (b[s]?.[j] ?? 0))) / n;
      total += i === j ? (1 - c) ** 2 : lambda * c ** 2;
    }
  return total;
}

export function siglip(v1: M, v2: M, logitScale: number, logitBias: number): number {
  const s = cosine(v1, v2);
  const t = Math.exp(logitScale);
  let total = 0;
  s.forEach((r, i) => r.forEach((c, j) => (total += softplus(-(i === j ? 1 : -1) * (t * c + logitBias)))));
  return total / v1.length;
}

/** Binary NCE on cosine similarities: per positive pair softplus(−Δ_ij) + Σ_n softplus(Δ_in), Δ = S/τ − c − log(k_i/m_i); mean. */
export function nce(x: M, y: number[], t: number, c: number): number {
  const s = cosine(x, x).map((r) => r.map((v) => v / t));
  const terms: number[] = [];
  y.forEach((_a, i) => {
    const negatives = y.flatMap((_w, k) => (isNeg(y, i, k) ? [k] : []));
    const candidates = negatives.length + y.filter((_w, k) => isPos(y, i, k)).length;
    const delta = (j: number) => (s[i]?.[j] ?? 0) - c - Math.log(negatives.length / candidates);
    y.forEach((_b, j) => {
      if (!isPos(y, i, j)) return;
      terms.push(negatives.length === 0 ? 0 : softplus(-delta(j)) + sum(negatives.map((k) => softplus(delta(k)))));
    });
  });
  return mean(terms);
}

export function negativeCosine(online: M, target: M, form: 'simsiam' | 'byol'): number {
  const c = online.map((p, i) => dot(normalize([p])[0] ?? [], normalize([target[i] ?? []])[0] ?? []));
  return form === 'simsiam' ? -mean(c) : mean(c.map((v) => 2 - 2 * v));
}

// ---- finite differences --------------------------------------------------------------------
/** Central-difference gradient of f with respect to every entry of every matrix in `inputs`. */
export function numericalGradients(f: (inputs: M[]) => number, inputs: M[], h = 1e-6): M[] {
  return inputs.map((mat, which) =>
    mat.map((row, i) =>
      row.map((_v, k) => {
        const shifted = (delta: number) => inputs.map((m, w) => (w !== which ? m : m.map((r, ri) => (ri !== i ? r : r.map((v, ki) => (ki === k ? v + delta : v))))));
        return (f(shifted(h)) - f(shifted(-h))) / (2 * h);
      }),
    ),
  );
}

/** Derivative of a scalar function of one number. */
export function numericalDerivative(f: (x: number) => number, x: number, h = 1e-6): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}
