// A 2-D PCA projection of the embeddings: the covariance matrix (dim × dim) and its two leading
// eigenvectors by power iteration with deflation. Deterministic: same vectors, same picture.
// pca2d sums the covariance here, in float64 (tfjs-free: the run readers use it too); the trainer
// hands a covariance computed as a matrix product on its backend (pca2dWith), ten times faster.

/** Σ (x − mean)(x − mean)ᵀ of the centred rows, dim × dim, row-major (both triangles filled). */
export type CovarianceSums = (vectors: Float32Array, count: number, dim: number, mean: Float64Array) => Float64Array;

/**
 * The upper triangle of Σ (x − mean)(x − mean)ᵀ, four rows at a time: each entry is loaded and
 * stored once per four rows, which is what bounds this loop (10,000 × 256 took 0.9 s a row at a time).
 */
function upperCovarianceSums(vectors: Float32Array, count: number, dim: number, mean: Float64Array): Float64Array {
  const cov = new Float64Array(dim * dim);
  const rows = [new Float64Array(dim), new Float64Array(dim), new Float64Array(dim), new Float64Array(dim)] as const;
  const [r0, r1, r2, r3] = rows;
  for (let i = 0; i < count; i += 4) {
    const block = Math.min(4, count - i);
    for (let k = 0; k < 4; k++) {
      const row = rows[k]!;
      if (k < block) for (let d = 0; d < dim; d++) row[d] = vectors[(i + k) * dim + d]! - mean[d]!;
      else row.fill(0); // a missing row adds nothing
    }
    for (let a = 0; a < dim; a++) {
      const x0 = r0[a]!;
      const x1 = r1[a]!;
      const x2 = r2[a]!;
      const x3 = r3[a]!;
      const offset = a * dim;
      for (let b = a; b < dim; b++) cov[offset + b] += x0 * r0[b]! + x1 * r1[b]! + x2 * r2[b]! + x3 * r3[b]!;
    }
  }
  return cov;
}

/** The covariance sums in float64 JavaScript. */
export const covarianceSumsJs: CovarianceSums = (vectors, count, dim, mean) => {
  const cov = upperCovarianceSums(vectors, count, dim, mean);
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a * dim + b] = cov[b * dim + a]!;
  return cov;
};

export function pca2d(vectors: Float32Array, count: number, dim: number): Float32Array {
  return pca2dWith(vectors, count, dim, covarianceSumsJs);
}

export function pca2dWith(vectors: Float32Array, count: number, dim: number, covarianceSums: CovarianceSums): Float32Array {
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let d = 0; d < dim; d++) mean[d] += vectors[i * dim + d]!;
  for (let d = 0; d < dim; d++) mean[d] = mean[d]! / Math.max(1, count);
  const cov = covarianceSums(vectors, count, dim, mean);
  const components: Float64Array[] = [];
  for (let c = 0; c < Math.min(2, dim); c++) {
    let v = new Float64Array(dim).map((_, d) => 1 + ((d * 7919 + c * 104729) % 97) / 97);
    for (let iter = 0; iter < 200; iter++) {
      const next = new Float64Array(dim);
      for (let a = 0; a < dim; a++) {
        let s = 0;
        for (let b = 0; b < dim; b++) s += cov[a * dim + b]! * v[b]!;
        next[a] = s;
      }
      for (const prev of components) {
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += next[d]! * prev[d]!;
        for (let d = 0; d < dim; d++) next[d] = next[d]! - dot * prev[d]!;
      }
      const norm = Math.hypot(...next);
      if (norm === 0) break;
      for (let d = 0; d < dim; d++) next[d] = next[d]! / norm;
      let change = 0;
      for (let d = 0; d < dim; d++) change += Math.abs(next[d]! - v[d]!);
      v = next;
      if (change < 1e-9) break;
    }
    components.push(v);
  }
  const out = new Float32Array(count * 2);
  components.forEach((comp, c) => {
    for (let i = 0; i < count; i++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += (vectors[i * dim + d]! - mean[d]!) * comp[d]!;
      out[i * 2 + c] = s;
    }
  });
  return out;
}
