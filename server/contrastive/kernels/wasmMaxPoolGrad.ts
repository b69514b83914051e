// MaxPoolGrad on the wasm backend for pools whose windows do not overlap (filter = stride, no
// padding: every pooling layer our convnets build). wasm's kernel visits each input position and
// scans the windows that may contain it: 115 ms for [256, 28, 28, 32] → [256, 14, 14, 32], an
// eighth of a convnet step. Here each window is scanned once for its first maximum (row-major, as
// tfjs' cpu kernel does; NaN never wins, so a window of NaN gets no gradient) and receives that
// window's dy, in one pass over the backend's memory. Other pools keep the backend's kernel.
import type * as tf from '@tensorflow/tfjs';
import { overrideKernel, wasmMemory, type Backend, type TensorInfo } from './kernelCalls';

const BACKEND = 'wasm';

interface PoolAttrs {
  readonly filterSize: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: 'valid' | 'same' | number;
  readonly dimRoundingMode?: string;
}

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** The window size when the pool's windows tile the input without overlap or padding; else null. */
export function disjointWindow(attrs: PoolAttrs): [number, number] | null {
  const [fh, fw] = pair(attrs.filterSize);
  const [sh, sw] = pair(attrs.strides);
  const unpadded = attrs.pad === 'valid' || attrs.pad === 0;
  return unpadded && fh === sh && fw === sw ? [fh, fw] : null;
}

function disjointMaxPoolGrad(original: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const dy = args.inputs['dy'] as TensorInfo | undefined;
    const input = args.inputs['input'] as TensorInfo | undefined;
    const window = disjointWindow(args.attrs as unknown as PoolAttrs);
    if (dy === undefined || input === undefined || window === null || input.dtype !== 'float32' || input.shape.length !== 4 || dy.shape.length !== 4) {
      return original.kernelFunc(args);
    }
    const [fh, fw] = window;
    const [batch, height, width, channels] = input.shape as [number, number, number, number];
    const [, outHeight, outWidth] = dy.shape as [number, number, number, number];
    const memory = wasmMemory(args.backend as Backend);
    // Allocated first: an allocation may grow the memory, which detaches views taken before it.
    const out = memory.allocate([...input.shape]);
    const dx = memory.view(out);
    const x = memory.view(input);
    const g = memory.view(dy);
    dx.fill(0);
    const rowStride = width * channels;
    for (let n = 0; n < batch; n++) {
      const imageBase = n * height * rowStride;
      for (let oh = 0; oh < outHeight; oh++) {
        for (let ow = 0; ow < outWidth; ow++) {
          const windowBase = imageBase + oh * fh * rowStride + ow * fw * channels;
          const dyBase = ((n * outHeight + oh) * outWidth + ow) * channels;
          for (let c = 0; c < channels; c++) {
            let best = -Infinity;
            let at = -1;
            for (let i = 0; i < fh; i++) {
              for (let j = 0; j < fw; j++) {
                const position = windowBase + i * rowStride + j * channels + c;
                const value = x[position]!;
                if (value > best) {
                  best = value;
                  at = position;
                }
              }
            }
            if (at >= 0) dx[at]! += g[dyBase + c]!;
          }
        }
      }
    }
    return out;
  };
}

/** Overrides MaxPoolGrad of the wasm backend (idempotent). */
export function registerWasmMaxPoolGrad(): void {
  overrideKernel('MaxPoolGrad', BACKEND, disjointMaxPoolGrad);
}
