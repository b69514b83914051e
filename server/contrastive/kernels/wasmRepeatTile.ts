// Tile on the wasm backend when it repeats the whole input block: the input's axes before some
// point are all 1 and only they are repeated, so the output is the input's values written again
// and again. That is how tfjs' batch-norm gradient broadcasts 1/sqrt(variance) over a batch
// ([1, 1, 1, C] tiled to [1, 1, N, C]): wasm's kernel computes an index per element and took
// 8 ms for N = 256, C = 512, a block copy takes a few hundredths of that. Other tilings keep the
// backend's kernel. The values are copied, so they are the same bit for bit.
import type * as tf from '@tensorflow/tfjs';
import { overrideKernel, type Backend, type TensorInfo } from './kernelCalls';

const BACKEND = 'wasm';

/** How many times the input block repeats, when the tiling is a plain repetition; else null. */
export function blockRepeats(shape: readonly number[], reps: readonly number[]): number | null {
  if (reps.length !== shape.length) return null;
  // The first axis whose input size is not 1: from there on nothing may be repeated.
  let first = shape.findIndex((size) => size !== 1);
  if (first === -1) first = shape.length;
  for (let i = first; i < reps.length; i++) if (reps[i] !== 1) return null;
  return reps.slice(0, first).reduce((a, b) => a * b, 1);
}

function repeatTile(original: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as TensorInfo | undefined;
    const { reps } = args.attrs as unknown as { reps: number[] };
    if (x === undefined || (x.dtype !== 'float32' && x.dtype !== 'int32')) return original.kernelFunc(args);
    const times = blockRepeats(x.shape, reps);
    if (times === null) return original.kernelFunc(args);
    const backend = args.backend as Backend;
    const block = backend.readSync(x.dataId) as Float32Array | Int32Array;
    const out = x.dtype === 'float32' ? new Float32Array(block.length * times) : new Int32Array(block.length * times);
    for (let i = 0; i < times; i++) out.set(block, i * block.length);
    const shape = x.shape.map((size, i) => size * reps[i]!);
    return { dataId: backend.write(out, shape, x.dtype), shape, dtype: x.dtype };
  };
}

/** Overrides Tile of the wasm backend (idempotent). */
export function registerWasmRepeatTile(): void {
  overrideKernel('Tile', BACKEND, repeatTile);
}
