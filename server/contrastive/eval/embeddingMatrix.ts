// Stored embeddings as the evaluation code sees them: a row-major float32 block (the layout of a
// run's embeddings/vectors.f32), its row count and dimension.

export interface EmbeddingMatrix {
  /** rows × dim values, row-major. */
  readonly data: Float32Array;
  readonly rows: number;
  readonly dim: number;
}

/** Wraps a flat float32 array of rows × dim values, checking that the sizes agree. */
export function embeddingMatrix(data: Float32Array, dim: number, what = 'embeddings'): EmbeddingMatrix {
  if (!Number.isInteger(dim) || dim <= 0) throw new Error(`${what}: dimension must be a positive integer, got ${dim}`);
  if (data.length % dim !== 0) {
    throw new Error(`${what}: ${data.length} values is not a whole number of rows of dimension ${dim}; is the header's dim right?`);
  }
  return { data, rows: data.length / dim, dim };
}

/** The listed rows as a new matrix (e.g. the test split of a run's embeddings). */
export function selectRows(matrix: EmbeddingMatrix, rows: ArrayLike<number>): EmbeddingMatrix {
  const out = new Float32Array(rows.length * matrix.dim);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    if (!Number.isInteger(r) || r < 0 || r >= matrix.rows) throw new RangeError(`row ${r} is outside the ${matrix.rows} stored embeddings`);
    out.set(matrix.data.subarray(r * matrix.dim, (r + 1) * matrix.dim), i * matrix.dim);
  }
  return { data: out, rows: rows.length, dim: matrix.dim };
}

/** Cosine similarity from a dot product and the two squared norms (float64); a zero row has similarity 0 with everything. */
export function cosineWithNorms(dot: number, squaredNormA: number, squaredNormB: number): number {
  return squaredNormA === 0 || squaredNormB === 0 ? 0 : dot / Math.sqrt(squaredNormA * squaredNormB);
}

/** Dot product of two rows in float64. */
export function dotOfRows(a: Float32Array, aStart: number, b: Float32Array, bStart: number, dim: number): number {
  let dot = 0;
  for (let j = 0; j < dim; j++) dot += (a[aStart + j] as number) * (b[bStart + j] as number);
  return dot;
}

/** Each row's squared L2 norm in float64. */
export function squaredNorms(matrix: EmbeddingMatrix): Float64Array {
  const out = new Float64Array(matrix.rows);
  for (let r = 0; r < matrix.rows; r++) out[r] = dotOfRows(matrix.data, r * matrix.dim, matrix.data, r * matrix.dim, matrix.dim);
  return out;
}

/** Euclidean distance of two rows in float64. */
export function euclideanOfRows(a: Float32Array, aStart: number, b: Float32Array, bStart: number, dim: number): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) {
    const d = (a[aStart + j] as number) - (b[bStart + j] as number);
    sum += d * d;
  }
  return Math.sqrt(sum);
}
