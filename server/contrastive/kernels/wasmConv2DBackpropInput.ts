// A faster Conv2DBackpropInput for the wasm backend. Its own kernel is a scalar loop (measured
// ~6× slower than the forward convolution on the convnet recipe's second layer). For stride 1 the
// input gradient is itself a convolution — of dy with the filter rotated by 180° and its channel
// axes swapped, padded by (k − 1 − pad) — so it runs on the XNNPACK Conv2D kernel. Strided
// convolutions (dy would need zeros inserted between its pixels) keep the backend's own kernel.
import * as tf from '@tensorflow/tfjs';
import { bindKernel, overrideKernel, release, requireKernel, type Backend, type TensorInfo } from './kernelCalls';

const BACKEND = 'wasm';

function viaForwardConvolution(original: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs;
    if (dy === undefined || filter === undefined) throw new Error('Conv2DBackpropInput needs inputs dy and filter.');
    const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if (a.dataFormat === 'NCHW') return original.kernelFunc(args);
    const [kh, kw] = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    if (info.strideHeight !== 1 || info.strideWidth !== 1) return original.kernelFunc(args);
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const bottom = info.inHeight - info.outHeight + kh - 1 - top;
    const right = info.inWidth - info.outWidth + kw - 1 - left;
    if (Math.min(top, left, bottom, right) < 0) return original.kernelFunc(args);

    const b = backend as Backend;
    const reversed = bindKernel(requireKernel('Reverse', BACKEND), b)({ x: filter }, { dims: [0, 1] });
    let flipped: TensorInfo | undefined;
    try {
      flipped = bindKernel(requireKernel('Transpose', BACKEND), b)({ x: reversed }, { perm: [0, 1, 3, 2] });
      return bindKernel(requireKernel('Conv2D', BACKEND), b)({ x: dy, filter: flipped }, {
        strides: 1, dilations: 1, dataFormat: 'NHWC', pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
      });
    } finally {
      release(b, reversed, ...(flipped !== undefined ? [flipped] : []));
    }
  };
}

/** Overrides Conv2DBackpropInput of the wasm backend (idempotent). */
export function registerWasmConv2DBackpropInput(): void {
  overrideKernel('Conv2DBackpropInput', BACKEND, viaForwardConvolution);
}
