// Batch normalisation in training, forward and backward, as two wasm-backend kernels of our own
// (batchNormWat.ts): the statistics, the normalised batch and the output in three SIMD passes, the
// gradients in two. models/batchNorm.ts uses them when the backend has them, and tfjs operations
// elsewhere (the same formulas, so the values agree within float32 rounding).
import * as tf from '@tensorflow/tfjs';
import { addKernelIfMissing, release, wasmMemory, type TensorInfo } from '../kernelCalls';
import { instantiateOverBackend } from '../webAssemblyApi';
import { BATCHNORM_WASM_PLAIN, BATCHNORM_WASM_SHARED } from './batchNormWasm.generated';

export const BATCHNORM_FORWARD_KERNEL = 'ContrastiveLabBatchNormTrain';
export const BATCHNORM_BACKWARD_KERNEL = 'ContrastiveLabBatchNormGrad';
const BACKEND = 'wasm';

interface BatchNormExports {
  forward(x: number, gamma: number, beta: number, y: number, xhat: number, mean: number, variance: number, invStd: number, totals: number, rows: number, cols: number, epsilon: number): void;
  backward(dy: number, xhat: number, invStd: number, gamma: number, dx: number, dGamma: number, dBeta: number, scratch: number, rows: number, cols: number): void;
}

interface WasmBackendInternals {
  readonly wasm: unknown;
  getMemoryOffset(dataId: object): number;
}

const instances = new WeakMap<object, BatchNormExports>();

function moduleFor(backend: WasmBackendInternals): BatchNormExports {
  let exports = instances.get(backend);
  if (exports === undefined) {
    exports = instantiateOverBackend<BatchNormExports>(backend.wasm, BATCHNORM_WASM_PLAIN, BATCHNORM_WASM_SHARED, 'our batch normalisation');
    instances.set(backend, exports);
  }
  return exports;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** [rows, cols] x, [cols] gamma and beta → y, x̂ (both [rows, cols]), mean, variance and 1/√(variance + ε) ([cols]). */
function forwardKernel(args: KernelArgs): TensorInfo[] {
  const { x, gamma, beta } = args.inputs as Record<'x' | 'gamma' | 'beta', TensorInfo>;
  const epsilon = (args.attrs as { epsilon: number }).epsilon;
  const [rows, cols] = x.shape as [number, number];
  const backend = args.backend as tf.KernelBackend;
  const memory = wasmMemory(backend);
  const outputs = [memory.allocate([rows, cols]), memory.allocate([rows, cols]), memory.allocate([cols]), memory.allocate([cols]), memory.allocate([cols])];
  // Two float64 totals per column (four float32 slots), zeroed; views after every allocation.
  const totals = memory.allocate([4 * cols]);
  memory.view(totals).fill(0);
  const internals = backend as unknown as WasmBackendInternals;
  const offset = (t: TensorInfo): number => internals.getMemoryOffset(t.dataId);
  moduleFor(internals).forward(offset(x), offset(gamma), offset(beta), ...(outputs.map(offset) as [number, number, number, number, number]), offset(totals), rows, cols, epsilon);
  release(backend, totals);
  return outputs;
}

/** dy, x̂ ([rows, cols]), invStd and gamma ([cols]) → dx, dγ, dβ. */
function backwardKernel(args: KernelArgs): TensorInfo[] {
  const { dy, xhat, invStd, gamma } = args.inputs as Record<'dy' | 'xhat' | 'invStd' | 'gamma', TensorInfo>;
  const [rows, cols] = dy.shape as [number, number];
  const backend = args.backend as tf.KernelBackend;
  const memory = wasmMemory(backend);
  const outputs = [memory.allocate([rows, cols]), memory.allocate([cols]), memory.allocate([cols])];
  // Two float64 totals per column (zeroed), then three float32 columns.
  const scratch = memory.allocate([7 * cols]);
  memory.view(scratch).fill(0, 0, 4 * cols);
  const internals = backend as unknown as WasmBackendInternals;
  const offset = (t: TensorInfo): number => internals.getMemoryOffset(t.dataId);
  moduleFor(internals).backward(offset(dy), offset(xhat), offset(invStd), offset(gamma), offset(outputs[0]!), offset(outputs[1]!), offset(outputs[2]!), offset(scratch), rows, cols);
  release(backend, scratch);
  return outputs;
}

/** Registers both kernels for the wasm backend (idempotent). */
export function registerWasmBatchNorm(): void {
  addKernelIfMissing({ kernelName: BATCHNORM_FORWARD_KERNEL, backendName: BACKEND, kernelFunc: forwardKernel as unknown as tf.KernelFunc });
  addKernelIfMissing({ kernelName: BATCHNORM_BACKWARD_KERNEL, backendName: BACKEND, kernelFunc: backwardKernel as unknown as tf.KernelFunc });
}

/** Whether the current backend has the fused pair. */
export function fusedBatchNormAvailable(): boolean {
  return tf.getKernel(BATCHNORM_FORWARD_KERNEL, tf.getBackend()) !== undefined;
}

/** y, x̂, mean, variance, invStd of a float32 [rows, cols] batch (tensors the caller owns). */
export function batchNormForward(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D] {
  return tf.engine().runKernel(BATCHNORM_FORWARD_KERNEL, { x, gamma, beta }, { epsilon }) as unknown as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
}

/** dx, dγ, dβ. */
export function batchNormBackward(dy: tf.Tensor, xhat: tf.Tensor, invStd: tf.Tensor, gamma: tf.Tensor): [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D] {
  return tf.engine().runKernel(BATCHNORM_BACKWARD_KERNEL, { dy, xhat, invStd, gamma }, {}) as unknown as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
}
