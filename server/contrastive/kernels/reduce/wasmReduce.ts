// Our reduction module (reduceWat.ts) instantiated over a wasm backend's memory, and the kernel it
// gives the trainer's finiteness check: ContrastiveLabPoison, Σ x·0 over every input tensor (0 when
// all values are finite, NaN otherwise) in one pass each, without temporary tensors.
import * as tf from '@tensorflow/tfjs';
import { addKernelIfMissing, type Backend, type TensorInfo } from '../kernelCalls';
import { instantiateOverBackend } from '../webAssemblyApi';
import { REDUCE_WASM_PLAIN, REDUCE_WASM_SHARED } from './reduceWasm.generated';

export const POISON_KERNEL = 'ContrastiveLabPoison';
const BACKEND = 'wasm';

interface ReduceExports {
  columnSums(x: number, rows: number, columns: number, acc: number, out: number, averaged: number): void;
  poison(x: number, n: number): number;
}

const instances = new WeakMap<object, ReduceExports>();

/** The module over this backend's memory (instantiated on first use). */
export function reduceFor(backend: Backend): ReduceExports {
  let exports = instances.get(backend);
  if (exports === undefined) {
    exports = instantiateOverBackend<ReduceExports>((backend as unknown as { wasm: unknown }).wasm, REDUCE_WASM_PLAIN, REDUCE_WASM_SHARED, 'our reductions');
    instances.set(backend, exports);
  }
  return exports;
}

function poisonKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): TensorInfo {
  const backend = args.backend as Backend & { getMemoryOffset(dataId: object): number; makeOutput(shape: number[], dtype: 'float32'): TensorInfo; typedArrayFromHeap(info: TensorInfo): Float32Array };
  const reduce = reduceFor(backend);
  let total = 0;
  for (const t of Object.values(args.inputs)) {
    if (t === undefined) continue;
    if (t.dtype !== 'float32') throw new Error(`${POISON_KERNEL} checks float32 tensors; got ${t.dtype}.`);
    total += reduce.poison(backend.getMemoryOffset(t.dataId), t.shape.reduce((p, d) => p * d, 1));
  }
  const out = backend.makeOutput([], 'float32');
  backend.typedArrayFromHeap(out)[0] = total;
  return out;
}

/** Registers the poison kernel for the wasm backend (idempotent). */
export function registerWasmPoison(): void {
  addKernelIfMissing({ kernelName: POISON_KERNEL, backendName: BACKEND, kernelFunc: poisonKernel as unknown as tf.KernelFunc });
}
