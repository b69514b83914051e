// Our own kernels that close gaps in a backend (registered after the backend is chosen).
// wasm: transposed matmul operands are materialised (the native path for them is ~30× slower),
// Conv2DBackpropFilter, which wasm lacks, is composed from wasm kernels, and the input gradient of
// stride-1 convolutions runs as a forward convolution (wasm's own kernel is a scalar loop), and sums
// and means over leading axes (bias gradients, batch-norm moments) run as one product, tilings that
// repeat a whole block (batch-norm gradients) are block copies, the gradient of pools with disjoint
// windows is one pass, identities share their input's memory instead of copying it, bilinear image warps
// (the affine augmentation) are one pass over wasm's memory, a small top-k of long rows (the kNN
// search) keeps a heap per row, an Adam update is one pass (a kernel of our own), so is the trainer's finiteness check, and so is arithmetic with a row or column broadcast (batch-norm statistics, per-sample norms), batch normalisation in training is one forward and one backward kernel of our own, and the kernels
// that hide a NaN (wasm's output clamps, cpu's MaxPool) are wrapped to propagate it. Other backends
// (tensorflow, cpu) have every kernel our models need. On every backend, the gradients of Sum and
// Mean fill their ones in the backend instead of uploading a JavaScript array.
import type { BackendName } from '../backend.decl';
import { registerWasmConv2DBackpropFilter } from './wasmConv2DBackpropFilter';
import { registerWasmConv2DBackpropInput } from './wasmConv2DBackpropInput';
import { registerWasmGemmMatMul } from './wasmGemmMatMul';
import { registerWasmLeadingAxesReduce } from './wasmLeadingAxesReduce';
import { registerWasmMaxPoolGrad } from './wasmMaxPoolGrad';
import { registerWasmRepeatTile } from './wasmRepeatTile';
import { registerWasmSharedIdentity } from './wasmSharedIdentity';
import { registerWasmAdam } from './adam/wasmAdam';
import { registerWasmTopK } from './wasmTopK';
import { registerWasmPoison } from './reduce/wasmReduce';
import { registerWasmTransform } from './wasmTransform';
import { registerWasmBroadcastBinary } from './binary/wasmBroadcastBinary';
import { registerWasmBatchNorm } from './batchNorm/wasmBatchNorm';
import { registerNanPropagation } from './wasmNanPropagation';
import { registerReductionGradients } from './reductionGradients';
import { registerWasmTransposedMatMul } from './wasmTransposedMatMul';

export type KernelBackend = BackendName;

const registrations: ReadonlyArray<(backend: KernelBackend) => void> = [
  // Gradients are global: the ones Sum and Mean broadcast over are filled by the backend on any backend.
  () => registerReductionGradients(),
  (backend) => { if (backend === 'wasm') registerWasmTransposedMatMul(); },
  (backend) => { if (backend === 'wasm') registerWasmConv2DBackpropFilter(); },
  (backend) => { if (backend === 'wasm') registerWasmConv2DBackpropInput(); },
  (backend) => { if (backend === 'wasm') registerWasmLeadingAxesReduce(); },
  (backend) => { if (backend === 'wasm') registerWasmRepeatTile(); },
  (backend) => { if (backend === 'wasm') registerWasmMaxPoolGrad(); },
  (backend) => { if (backend === 'wasm') registerWasmSharedIdentity(); },
  (backend) => { if (backend === 'wasm') registerWasmTransform(); },
  (backend) => { if (backend === 'wasm') registerWasmTopK(); },
  (backend) => { if (backend === 'wasm') registerWasmAdam(); },
  (backend) => { if (backend === 'wasm') registerWasmPoison(); },
  (backend) => { if (backend === 'wasm') registerWasmBroadcastBinary(); },
  (backend) => { if (backend === 'wasm') registerWasmBatchNorm(); },
  // Last: it wraps whatever _FusedMatMul is registered by then (the transposed-operand one above).
  (backend) => { if (backend === 'wasm' || backend === 'cpu') registerNanPropagation(backend); },
  // Outermost: our matrix product handles the plain and relu cases itself (NaN included) and hands
  // the rest to the kernels above.
  (backend) => { if (backend === 'wasm') registerWasmGemmMatMul(); },
];

/** Registers every custom kernel that applies to `backend`. Safe to call more than once. */
export function registerCustomKernels(backend: KernelBackend): void {
  for (const register of registrations) register(backend);
}
