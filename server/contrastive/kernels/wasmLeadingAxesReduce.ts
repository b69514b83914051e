// Sum and Mean over the leading axes on the wasm backend. Its reductions first transpose the
// reduced axes innermost — for a bias gradient (dy [N, H, W, C] summed over N, H, W) that transpose
// dominates: measured 160 ms against 6 ms for the same sum as one XNNPACK product
// ones[1, M] · x[M, C]. But XNNPACK packs that right operand anew for every new tensor, and in
// training every gradient is new: for a convnet's batch-norm moments and gradients ([256, 28, 28, 32],
// 6.4M values, ten per step) the packing took 44 ms per sum. Large inputs are therefore summed by
// one pass over the backend's memory (reduce/reduceWat.ts: float64 accumulators, SIMD over
// columns); small ones keep the product. Reductions over trailing or all axes keep the backend's own kernels.
import * as tf from '@tensorflow/tfjs';
import { bindKernel, overrideKernel, release, requireKernel, wasmMemory, type Backend, type TensorInfo } from './kernelCalls';
import { reduceFor } from './reduce/wasmReduce';

const BACKEND = 'wasm';

/** Number of leading axes reduced, when `axes` are exactly 0..k-1 with k < rank; otherwise null. */
function leadingAxesCount(axis: number | number[], shape: number[]): number | null {
  const axes = [...tf.util.parseAxisParam(axis, shape)].sort((p, q) => p - q);
  if (axes.length === 0 || axes.length >= shape.length) return null;
  return axes.every((a, i) => a === i) ? axes.length : null;
}

/** From this many values on, one pass in JavaScript beats packing the product's operand. */
const DIRECT_PASS_FROM = 1 << 16;

/** Column sums (or means) of x seen as [rows, columns], in one pass over the backend's memory. */
function directPass(backend: Backend, x: TensorInfo, rows: number, columns: number, outShape: number[], averaged: boolean): TensorInfo {
  const memory = wasmMemory(backend);
  const internals = backend as unknown as { getMemoryOffset(dataId: object): number };
  const out = memory.allocate(outShape);
  // float64 totals: twice the floats of the output, as scratch.
  const totals = memory.allocate([2 * columns]);
  try {
    reduceFor(backend).columnSums(internals.getMemoryOffset(x.dataId), rows, columns, internals.getMemoryOffset(totals.dataId), internals.getMemoryOffset(out.dataId), averaged ? 1 : 0);
  } finally {
    release(backend, totals);
  }
  return out;
}

function viaProduct(original: tf.KernelConfig, averaged: boolean): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs['x'];
    if (x === undefined) throw new Error(`${original.kernelName} needs input x.`);
    const a = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const k = x.dtype === 'float32' ? leadingAxesCount(a.axis, x.shape) : null;
    if (k === null) return original.kernelFunc(args);
    const rows = x.shape.slice(0, k).reduce((p, q) => p * q, 1);
    const kept = x.shape.slice(k);
    const columns = kept.reduce((p, q) => p * q, 1);
    const b = backend as Backend;
    const outShape = a.keepDims ? [...x.shape.slice(0, k).map(() => 1), ...kept] : kept;
    if (rows * columns >= DIRECT_PASS_FROM) return directPass(b, x, rows, columns, outShape, averaged);
    const reshape = bindKernel(requireKernel('Reshape', BACKEND), b);
    const weights: TensorInfo = { dataId: b.write(new Float32Array(rows).fill(averaged ? 1 / rows : 1), [1, rows], 'float32'), shape: [1, rows], dtype: 'float32' };
    const matrix = reshape({ x }, { shape: [rows, columns] });
    let product: TensorInfo | undefined;
    try {
      product = bindKernel(requireKernel('BatchMatMul', BACKEND), b)({ a: weights, b: matrix }, { transposeA: false, transposeB: false });
      return reshape({ x: product }, { shape: outShape });
    } finally {
      release(b, weights, matrix, ...(product !== undefined ? [product] : []));
    }
  };
}

/** Overrides Sum and Mean of the wasm backend (idempotent). */
export function registerWasmLeadingAxesReduce(): void {
  overrideKernel('Sum', BACKEND, (original) => viaProduct(original, false));
  overrideKernel('Mean', BACKEND, (original) => viaProduct(original, true));
}
