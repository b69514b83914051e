// PCA of every stored vector in two streamed passes over vectors.f32: the first sums x and x·xᵀ
// (float64, four rows at a time), the second projects each block on the two leading eigenvectors of
// the covariance. Resident: one block, the dim × dim sums and the 2-D output (8 MB for a million).
import type { VectorFile } from './vectorBlocks';

export type Progress = (phase: string, done: number, total: number) => void;

/** Adds Σ x and the upper triangle of Σ x·xᵀ of `rows` rows of `block` into `sum` and `outer`. */
function accumulate(block: Float32Array, rows: number, dim: number, sum: Float64Array, outer: Float64Array): void {
  const r = [new Float64Array(dim), new Float64Array(dim), new Float64Array(dim), new Float64Array(dim)] as const;
  const [r0, r1, r2, r3] = r;
  for (let i = 0; i < rows; i += 4) {
    const n = Math.min(4, rows - i);
    for (let k = 0; k < 4; k++) {
      const row = r[k]!;
      if (k < n) for (let d = 0; d < dim; d++) row[d] = block[(i + k) * dim + d]!;
      else row.fill(0); // a missing row adds nothing
    }
    for (let a = 0; a < dim; a++) {
      const x0 = r0[a]!, x1 = r1[a]!, x2 = r2[a]!, x3 = r3[a]!;
      sum[a] += x0 + x1 + x2 + x3;
      const o = a * dim;
      for (let b = a; b < dim; b++) outer[o + b] += x0 * r0[b]! + x1 * r1[b]! + x2 * r2[b]! + x3 * r3[b]!;
    }
  }
}

/** The `n` leading unit eigenvectors of a symmetric dim × dim matrix, by power iteration with deflation; each signed so its largest entry is positive. */
export function leadingEigenvectors(matrix: Float64Array, dim: number, n: number): Float64Array[] {
  const found: Float64Array[] = [];
  for (let c = 0; c < Math.min(n, dim); c++) {
    let v = new Float64Array(dim).map((_, d) => 1 + ((d * 7919 + c * 104729) % 97) / 97);
    for (let iter = 0; iter < 500; iter++) {
      const next = new Float64Array(dim);
      for (let a = 0; a < dim; a++) {
        let s = 0;
        for (let b = 0; b < dim; b++) s += matrix[a * dim + b]! * v[b]!;
        next[a] = s;
      }
      for (const prev of found) {
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += next[d]! * prev[d]!;
        for (let d = 0; d < dim; d++) next[d] = next[d]! - dot * prev[d]!;
      }
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += next[d]! * next[d]!;
      norm = Math.sqrt(norm);
      if (norm === 0) break;
      let change = 0;
      for (let d = 0; d < dim; d++) {
        next[d] = next[d]! / norm;
        change += Math.abs(next[d]! - v[d]!);
      }
      v = next;
      if (change < 1e-10) break;
    }
    let largest = 0;
    for (let d = 0; d < dim; d++) if (Math.abs(v[d]!) > Math.abs(v[largest]!)) largest = d;
    if (v[largest]! < 0) for (let d = 0; d < dim; d++) v[d] = -v[d]!;
    found.push(v);
  }
  return found;
}

/** The 2-D PCA map of every row of `vectors` (count × 2 floats). */
export function streamedPca(vectors: VectorFile, progress: Progress = () => undefined): Float32Array {
  const { count, dim } = vectors;
  const sum = new Float64Array(dim);
  const outer = new Float64Array(dim * dim);
  vectors.forEachBlock((block, start, rows) => {
    accumulate(block, rows, dim, sum, outer);
    progress('PCA: covariance', start + rows, count);
  });
  const mean = sum.map((s) => s / count);
  const cov = new Float64Array(dim * dim);
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const c = outer[a * dim + b]! / count - mean[a]! * mean[b]!;
      cov[a * dim + b] = c;
      cov[b * dim + a] = c;
    }
  }
  const axes = leadingEigenvectors(cov, dim, 2);
  const out = new Float32Array(count * 2);
  vectors.forEachBlock((block, start, rows) => {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < axes.length; c++) {
        const axis = axes[c]!;
        let s = 0;
        for (let d = 0; d < dim; d++) s += (block[r * dim + d]! - mean[d]!) * axis[d]!;
        out[(start + r) * 2 + c] = s;
      }
    }
    progress('PCA: projecting', start + rows, count);
  });
  return out;
}
