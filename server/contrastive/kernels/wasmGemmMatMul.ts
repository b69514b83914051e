// BatchMatMul and _FusedMatMul of the wasm backend through our own SIMD matrix product
// (kernels/gemm/): about twice XNNPACK's speed here, transposed operands at no extra cost, and a
// relu that keeps NaN. What it does not cover (other activations, prelu, a bias that is not one value
// per column, batch shapes that broadcast partially, other dtypes) goes to the kernel it wraps.
import * as tf from '@tensorflow/tfjs';
import { WasmGemm } from './gemm/wasmGemm';
import { overrideKernel, type TensorInfo } from './kernelCalls';

const BACKEND = 'wasm';

/** The wasm backend's internals this kernel reads (public fields its typings omit). */
interface WasmBackendInternals {
  readonly wasm: unknown;
  getMemoryOffset(dataId: object): number;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

/** Threads our products run on (backend.ts sets it; XNNPACK's own pool may be smaller). */
let gemmThreads = 1;

/** Sets the threads of the products made from now on (before the first wasm kernel runs). */
export function setGemmThreads(threads: number): void {
  gemmThreads = Math.max(1, Math.floor(threads));
}

const gemms = new WeakMap<object, WasmGemm | null>();
function gemmFor(backend: WasmBackendInternals): WasmGemm | undefined {
  let gemm = gemms.get(backend);
  if (gemm === undefined) {
    gemm = WasmGemm.create(backend.wasm, gemmThreads) ?? null;
    gemms.set(backend, gemm);
  }
  return gemm ?? undefined;
}

const product = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** numpy-style broadcast of two batch shapes, or undefined when they do not broadcast. */
function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(Math.max(da, db));
  }
  return out;
}

function ourProduct(original: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const { inputs, attrs } = args;
    const backend = args.backend as unknown as WasmBackendInternals;
    const a = inputs['a'];
    const b = inputs['b'];
    const bias = inputs['bias'];
    const activation = (attrs?.['activation'] as string | undefined) ?? 'linear';
    const gemm = gemmFor(backend);
    const plain = gemm !== undefined && a !== undefined && b !== undefined && a.dtype === 'float32' && b.dtype === 'float32'
      && a.shape.length >= 2 && b.shape.length >= 2 && inputs['preluActivationWeights'] === undefined
      && (activation === 'linear' || activation === 'relu');
    if (!plain) return original.kernelFunc(args);
    const transposeA = attrs?.['transposeA'] === true;
    const transposeB = attrs?.['transposeB'] === true;
    const [rowsA, colsA] = a.shape.slice(-2) as [number, number];
    const [rowsB, colsB] = b.shape.slice(-2) as [number, number];
    const m = transposeA ? colsA : rowsA;
    const k = transposeA ? rowsA : colsA;
    const n = transposeB ? rowsB : colsB;
    if ((transposeB ? colsB : rowsB) !== k) return original.kernelFunc(args); // its error names the shapes
    const batchShape = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    if (batchShape === undefined) return original.kernelFunc(args);
    const batch = product(batchShape);
    const batchA = product(a.shape.slice(0, -2));
    const batchB = product(b.shape.slice(0, -2));
    // A batch that broadcasts only along some axes (e.g. [2,1] with [1,3]) is left to the stock kernel.
    const biasFits = bias === undefined || (bias.dtype === 'float32' && product(bias.shape) === n && bias.shape.at(-1) === n);
    if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1) || !biasFits || m * n * k === 0) return original.kernelFunc(args);
    const out = backend.makeOutput([...batchShape, m, n], 'float32');
    const offsetA = backend.getMemoryOffset(a.dataId);
    const offsetB = backend.getMemoryOffset(b.dataId);
    const offsetOut = backend.getMemoryOffset(out.dataId);
    const biasOffset = bias === undefined ? undefined : backend.getMemoryOffset(bias.dataId);
    for (let i = 0; i < batch; i++) {
      gemm.run({
        a: offsetA + (batchA === 1 ? 0 : i * m * k * 4),
        b: offsetB + (batchB === 1 ? 0 : i * k * n * 4),
        out: offsetOut + i * m * n * 4,
        m, k, n, transposeA, transposeB,
        ...(biasOffset === undefined ? {} : { bias: biasOffset }),
        relu: activation === 'relu',
      });
    }
    return out;
  };
}

/** Overrides BatchMatMul and _FusedMatMul of the wasm backend (idempotent). */
export function registerWasmGemmMatMul(): void {
  overrideKernel('BatchMatMul', BACKEND, ourProduct, 'gemm');
  overrideKernel('_FusedMatMul', BACKEND, ourProduct, 'gemm');
}
