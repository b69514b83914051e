// Copying chosen samples (rows) out of a dataset's flat array: the data split keeps a subset this
// way, and the trainer builds each batch this way before uploading it.

/** The rows `rows` of `source` (each `rowSize` values), one after another, in a new array of its type. */
export function copyRows<A extends Float32Array | Uint8Array>(source: A, rowSize: number, rows: ArrayLike<number>): A {
  const out = new (source.constructor as new (length: number) => A)(rows.length * rowSize);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    out.set(source.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize);
  }
  return out;
}
