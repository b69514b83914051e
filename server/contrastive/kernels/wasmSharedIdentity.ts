// Identity on the wasm backend without a copy. tfjs clones every input a gradient will need
// (engine.clone → Identity) on each forward op while the tape records, and the wasm kernel copies
// the values each time: for a dense layer that is its whole input and weight matrix, twice per step.
// Backend memory is never written after a kernel returns (every kernel writes only its fresh output,
// a variable's assign swaps in new memory), so the clone can share its input's memory and count a
// reference, as the cpu backend's Identity does.
import type * as tf from '@tensorflow/tfjs';
import { overrideKernel, type TensorInfo } from './kernelCalls';

const BACKEND = 'wasm';

interface ReferenceCounting {
  incRef(dataId: object): void;
}

function sharedIdentity(original: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as TensorInfo | undefined;
    if (x === undefined || x.dtype === 'string') return original.kernelFunc(args);
    (args.backend as unknown as ReferenceCounting).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/** Overrides Identity of the wasm backend (idempotent). */
export function registerWasmSharedIdentity(): void {
  overrideKernel('Identity', BACKEND, sharedIdentity);
}
