// TopK on the wasm backend for a small k over long rows (the nearest-neighbour search behind every
// kNN evaluation: k = 20 or 21 of 4,096 scores per query). wasm's kernel took 15 ms for [512, 4096],
// 120 ms of each evaluation of the SimCLR recipe; this one takes 6.4 ms: each row is scanned once
// against the worst of the k kept so far (a heap of k), which most scores fail at one comparison; that
// comparison runs four scores at a time in our module (topk/topkWat.ts: [512, 8000], k = 21: 16.4 →
// 3.3 ms on one thread), the heap in JavaScript. The order is tfjs': values descending, equal
// values by ascending index. Rows holding NaN, other dtypes and large k keep the backend's kernel.
import type * as tf from '@tensorflow/tfjs';
import { overrideKernel, type TensorInfo } from './kernelCalls';
import { instantiateOverBackend } from './webAssemblyApi';
import { TOPK_WASM_PLAIN, TOPK_WASM_SHARED } from './topk/topkWasm.generated';

const BACKEND = 'wasm';
/** Beyond these, a heap no longer beats the backend's selection (k = 200 of 2,000 took 1.6× as long). */
const MAX_K = 64;
const MAX_K_SHARE = 1 / 32;

interface WasmOutputs {
  readonly wasm: unknown;
  makeOutput(shape: number[], dtype: 'float32' | 'int32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array;
  getMemoryOffset(dataId: object): number;
  disposeData(dataId: object): void;
}

/** The first index ≥ start of the row at byte offset `row` (n scores) above `threshold` or NaN; n if none. */
export type FirstAbove = (row: number, n: number, start: number, threshold: number) => number;

const scanners = new WeakMap<object, FirstAbove>();

function scannerFor(backend: WasmOutputs): FirstAbove {
  let scan = scanners.get(backend);
  if (scan === undefined) {
    scan = instantiateOverBackend<{ firstAbove: FirstAbove }>(backend.wasm, TOPK_WASM_PLAIN, TOPK_WASM_SHARED, 'our top-k scan').firstAbove;
    scanners.set(backend, scan);
  }
  return scan;
}

/** Whether kept entry a is worse than b: a lower value, or the same value at a later index. */
function worse(values: Float32Array, indices: Int32Array, a: number, b: number): boolean {
  return values[a]! < values[b]! || (values[a] === values[b] && indices[a]! > indices[b]!);
}

/** Restores the heap (worst entry at the root) below position `at` of a heap of `size` entries. */
function siftDown(values: Float32Array, indices: Int32Array, at: number, size: number): void {
  for (;;) {
    const left = 2 * at + 1;
    if (left >= size) return;
    const right = left + 1;
    const child = right < size && worse(values, indices, right, left) ? right : left;
    if (!worse(values, indices, child, at)) return;
    const v = values[at]!; values[at] = values[child]!; values[child] = v;
    const i = indices[at]!; indices[at] = indices[child]!; indices[child] = i;
    at = child;
  }
}

/**
 * The k largest of row[0..n) in tfjs' order into (outValues, outIndices) at `base`, using the
 * scratch heap; false when the row holds a NaN (the caller then uses the backend's kernel). `scan`
 * finds the next score above the worst kept (the row lies at byte offset `rowOffset` of its memory).
 */
export function rowTopK(row: Float32Array, rowOffset: number, scan: FirstAbove, k: number, heapValues: Float32Array, heapIndices: Int32Array, outValues: Float32Array, outIndices: Int32Array, base: number): boolean {
  const n = row.length;
  for (let j = 0; j < k; j++) {
    const v = row[j]!;
    if (v !== v) return false;
    heapValues[j] = v;
    heapIndices[j] = j;
  }
  for (let at = (k >> 1) - 1; at >= 0; at--) siftDown(heapValues, heapIndices, at, k);
  let worst = heapValues[0]!;
  // A later index never beats an equal value already kept, so only a strictly larger value enters.
  for (let j = scan(rowOffset, n, k, worst); j < n; j = scan(rowOffset, n, j + 1, worst)) {
    const v = row[j]!;
    if (v !== v) return false;
    heapValues[0] = v;
    heapIndices[0] = j;
    siftDown(heapValues, heapIndices, 0, k);
    worst = heapValues[0]!;
  }
  // Pop the worst to the back: the output runs from the best to the worst.
  for (let size = k; size > 0; size--) {
    outValues[base + size - 1] = heapValues[0]!;
    outIndices[base + size - 1] = heapIndices[0]!;
    heapValues[0] = heapValues[size - 1]!;
    heapIndices[0] = heapIndices[size - 1]!;
    siftDown(heapValues, heapIndices, 0, size - 1);
  }
  return true;
}

function heapTopK(original: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as TensorInfo | undefined;
    const { k } = args.attrs as unknown as { k: number; sorted: boolean };
    const n = x?.shape[x.shape.length - 1] ?? 0;
    if (x === undefined || x.dtype !== 'float32' || x.shape.length === 0 || k < 1 || k > MAX_K || k > n * MAX_K_SHARE) return original.kernelFunc(args);
    const backend = args.backend as unknown as WasmOutputs;
    const shape = [...x.shape.slice(0, -1), k];
    // Both outputs first: an allocation may grow the memory, which detaches views taken before it.
    const outValues = backend.makeOutput(shape, 'float32');
    const outIndices = backend.makeOutput(shape, 'int32');
    const input = backend.typedArrayFromHeap(x) as Float32Array;
    const values = backend.typedArrayFromHeap(outValues) as Float32Array;
    const indices = backend.typedArrayFromHeap(outIndices) as Int32Array;
    const heapValues = new Float32Array(k);
    const heapIndices = new Int32Array(k);
    const rows = input.length / n;
    const scan = scannerFor(backend);
    const start = backend.getMemoryOffset(x.dataId);
    for (let r = 0; r < rows; r++) {
      if (!rowTopK(input.subarray(r * n, (r + 1) * n), start + r * n * 4, scan, k, heapValues, heapIndices, values, indices, r * k)) {
        backend.disposeData(outValues.dataId);
        backend.disposeData(outIndices.dataId);
        return original.kernelFunc(args);
      }
    }
    return [outValues, outIndices];
  };
}

/** Overrides TopK of the wasm backend (idempotent). */
export function registerWasmTopK(): void {
  overrideKernel('TopK', BACKEND, heapTopK);
}
