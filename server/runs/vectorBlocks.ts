// Reads a run's vectors.f32 (count × dim float32, little-endian, row-major) a block of rows at a
// time, so a million 128-d vectors (512 MB) are scanned with a few megabytes resident: the exact
// neighbour search, the streamed PCA and the UMAP placement all read the file through here.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { describeCause, FileError } from '../shared/files';

/** Rows per block by default: 8192 × 128 floats is 4 MB. */
export const DEFAULT_BLOCK_ROWS = 8192;
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** Rows of count × dim floats, read a block at a time: a file (VectorFile) or an array already in memory (memoryVectors). */
export interface VectorSource {
  readonly count: number;
  readonly dim: number;
  /** Every row, `blockRows` at a time, in order; the block may be reused or shared, so copy what must outlive the call and do not keep it. */
  forEachBlock(visit: (block: Float32Array, start: number, rows: number) => void, blockRows?: number): void;
  /** Rows [start, start + rows) as one block, handed to `visit` (the same reuse rules as forEachBlock). */
  forEachBlockIn(start: number, rows: number, visit: (block: Float32Array) => void): void;
  /** The rows listed in `indices`, gathered into a new array in that order. */
  gather(indices: ArrayLike<number>): Float32Array;
}

/** Vectors already in memory as a VectorSource: blocks are copies, so a caller may change them. */
export function memoryVectors(values: Float32Array, count: number, dim: number): VectorSource {
  if (values.length !== count * dim) throw new Error(`memoryVectors: ${values.length} values do not make ${count} × ${dim} vectors`);
  return {
    count,
    dim,
    forEachBlock(visit, blockRows = DEFAULT_BLOCK_ROWS) {
      for (let start = 0; start < count; start += blockRows) {
        const rows = Math.min(blockRows, count - start);
        visit(values.slice(start * dim, (start + rows) * dim), start, rows);
      }
    },
    forEachBlockIn(start, rows, visit) {
      visit(values.slice(start * dim, (start + rows) * dim));
    },
    gather(indices) {
      const out = new Float32Array(indices.length * dim);
      for (let i = 0; i < indices.length; i++) out.set(values.subarray(indices[i]! * dim, (indices[i]! + 1) * dim), i * dim);
      return out;
    },
  };
}

export class VectorFile implements VectorSource {
  private readonly fd: number;
  private scratch: Float32Array | null = null;

  /** Opens `file` and checks that it holds exactly count × dim floats (as meta.json says). */
  constructor(readonly file: string, readonly count: number, readonly dim: number) {
    try {
      this.fd = openSync(file, 'r');
    } catch (e) {
      throw new FileError(file, `cannot be opened: ${describeCause(e)}`);
    }
    const size = fstatSync(this.fd).size;
    if (size !== count * dim * 4) {
      closeSync(this.fd);
      throw new FileError(file, `holds ${size} bytes, but meta.json says ${count} × ${dim} float32 values (${count * dim * 4} bytes); the embeddings are damaged or were rewritten half-way`);
    }
  }

  /** Rows [start, start + rows) into `out` (rows × dim floats, or a new array). */
  readRows(start: number, rows: number, out: Float32Array = new Float32Array(rows * this.dim)): Float32Array {
    if (start < 0 || rows < 0 || start + rows > this.count) throw new RangeError(`${this.file}: rows ${start}..${start + rows - 1} are outside 0..${this.count - 1}`);
    const bytes = new Uint8Array(out.buffer, out.byteOffset, rows * this.dim * 4);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(this.fd, bytes, done, bytes.length - done, start * this.dim * 4 + done);
      if (n === 0) throw new FileError(this.file, `ended early at byte ${start * this.dim * 4 + done}; the embeddings are damaged`);
      done += n;
    }
    if (!LITTLE_ENDIAN_HOST) {
      const view = new DataView(out.buffer, out.byteOffset, bytes.length);
      for (let i = 0; i < rows * this.dim; i++) out[i] = view.getFloat32(i * 4, true);
    }
    return out;
  }

  /** One row (a copy). */
  row(index: number): Float32Array {
    return this.readRows(index, 1);
  }

  /** Every row, `blockRows` at a time, in order; the block array is reused, so copy what must outlive the call. */
  forEachBlock(visit: (block: Float32Array, start: number, rows: number) => void, blockRows = DEFAULT_BLOCK_ROWS): void {
    const buffer = new Float32Array(Math.min(blockRows, this.count) * this.dim);
    for (let start = 0; start < this.count; start += blockRows) {
      const rows = Math.min(blockRows, this.count - start);
      visit(this.readRows(start, rows, buffer.subarray(0, rows * this.dim)), start, rows);
    }
  }

  forEachBlockIn(start: number, rows: number, visit: (block: Float32Array) => void): void {
    if (this.scratch === null || this.scratch.length < rows * this.dim) this.scratch = new Float32Array(rows * this.dim);
    visit(this.readRows(start, rows, this.scratch.subarray(0, rows * this.dim)));
  }

  /** The rows listed in `indices` (any order), gathered into one count × dim array in that order. */
  gather(indices: ArrayLike<number>): Float32Array {
    const out = new Float32Array(indices.length * this.dim);
    // Reads in row order move through the file once instead of seeking back and forth.
    const order = Array.from({ length: indices.length }, (_, i) => i).sort((a, b) => indices[a]! - indices[b]!);
    const row = new Float32Array(this.dim);
    for (const i of order) out.set(this.readRows(indices[i]!, 1, row), i * this.dim);
    return out;
  }

  close(): void {
    closeSync(this.fd);
  }
}
