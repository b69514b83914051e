// Conv2DBackpropFilter for the wasm backend, which has none (so convnets could not train there).
// dW[i, j, ci, co] = Σ_{n, y, x} xpad[n, y·sh + i, x·sw + j, ci] · dy[n, y, x, co].
// Layout choice (measured): x is transposed once to [Ci, H, W, N] so that each filter offset's
// window is a copy of contiguous runs of N floats, and dy once to rows (y, x, n) × Co. The windows
// of several offsets are stacked on the leading axis (a plain memcpy) and multiplied by dy in one
// XNNPACK GEMM: [g·Ci, M] · [M, Co] → the g offsets' [Ci, Co] slices, already in filter order.
// dy is the same GEMM operand for every group, so XNNPACK packs it once.
// Channels-last inputs (every model we build) whose patches fit PATCH_BUDGET_FLOATS skip the
// transposes, pads, slices and copies: one pass writes the patch matrix P [N·Ho·Wo, kh·kw·Ci] (rows
// in dy's own order, zeros where a window leaves the padded input) and dW = Pᵀ · dy is one product
// (25 of the 33 ms the first path took for a [64, 16, 16, 16] → 32-channel layer were those copies).
import * as tf from '@tensorflow/tfjs';
import { addKernelIfMissing, bindKernel, concatKernel, release, requireKernel, wasmMemory, type Backend, type TensorInfo } from './kernelCalls';

const BACKEND = 'wasm';
/** Largest stack of windows, in floats (64 MiB): bounds the temporary memory of one GEMM. */
const GROUP_BUDGET_FLOATS = 16 * 1024 * 1024;
/** Largest patch matrix of the channels-last path, in floats (64 MiB). */
const PATCH_BUDGET_FLOATS = 16 * 1024 * 1024;

/**
 * P[(n, y, x), (i, j, c)] = x[n, y·sh + i − top, x·sw + j − left, c], 0 outside the input: the patch
 * of every output position, in the order of dy's rows and of the filter's [kh, kw, Ci] elements.
 */
function writePatches(x: Float32Array, patches: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const rowLength = kh * kw * ci;
  let row = 0;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < ho; y++) {
      for (let xo = 0; xo < wo; xo++, row += rowLength) {
        let at = row;
        for (let i = 0; i < kh; i++) {
          const yi = y * sh + i - top;
          for (let j = 0; j < kw; j++, at += ci) {
            const xi = xo * sw + j - left;
            // Element by element: a subarray per window piece (a few channels) costs more than the copy.
            if (yi < 0 || yi >= h || xi < 0 || xi >= w) for (let c = 0; c < ci; c++) patches[at + c] = 0;
            else for (let c = 0, from = ((b * h + yi) * w + xi) * ci; c < ci; c++) patches[at + c] = x[from + c]!;
          }
        }
      }
    }
  }
}

/** dW = Pᵀ · dy for a channels-last input whose patch matrix fits the budget. */
function viaPatches(b: Backend, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo, filterShape: [number, number, number, number]): TensorInfo {
  const [kh, kw, ci, co] = filterShape;
  const m = info.batchSize * info.outHeight * info.outWidth;
  const memory = wasmMemory(b);
  // Allocated before the views: an allocation may grow the memory, which detaches views taken before it.
  const patches = memory.allocate([m, kh * kw * ci]);
  const reshape = bindKernel(requireKernel('Reshape', BACKEND), b);
  try {
    writePatches(memory.view(x), memory.view(patches), info);
    const rows = reshape({ x: dy }, { shape: [m, co] });
    try {
      const product = bindKernel(requireKernel('BatchMatMul', BACKEND), b)({ a: patches, b: rows }, { transposeA: true, transposeB: false });
      try {
        return reshape({ x: product }, { shape: [kh, kw, ci, co] });
      } finally {
        release(b, product);
      }
    } finally {
      release(b, rows);
    }
  } finally {
    release(b, patches);
  }
}

function conv2DBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): TensorInfo {
  const b = backend as Backend;
  const bind = (name: string) => bindKernel(requireKernel(name, BACKEND), b);
  const [pad, slice, stridedSlice, reshape, transpose, matMul] = ['PadV2', 'Slice', 'StridedSlice', 'Reshape', 'Transpose', 'BatchMatMul'].map(bind) as [ReturnType<typeof bind>, ReturnType<typeof bind>, ReturnType<typeof bind>, ReturnType<typeof bind>, ReturnType<typeof bind>, ReturnType<typeof bind>];
  const concat = concatKernel(BACKEND, b);
  const { x, dy } = inputs;
  if (x === undefined || dy === undefined) throw new Error('Conv2DBackpropFilter needs inputs x and dy.');
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const channelsFirst = a.dataFormat === 'NCHW';
  const [kh, kw, ci, co] = a.filterShape;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, channelsFirst ? 'channelsFirst' : 'channelsLast');
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw } = info;
  const m = ho * wo * n;
  if (!channelsFirst && x.dtype === 'float32' && dy.dtype === 'float32' && m * kh * kw * ci <= PATCH_BUDGET_FLOATS) return viaPatches(b, x, dy, info, a.filterShape);

  const temporaries: TensorInfo[] = [];
  const keep = (t: TensorInfo): TensorInfo => { temporaries.push(t); return t; };
  try {
    // x → [Ci, H, W, N], padded so that every window [i, i + (ho-1)·sh] lies inside.
    const xT = keep(transpose({ x }, { perm: channelsFirst ? [1, 2, 3, 0] : [3, 1, 2, 0] }));
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const bottom = Math.max(0, (ho - 1) * sh + kh - top - h);
    const right = Math.max(0, (wo - 1) * sw + kw - left - w);
    const padded = top + bottom + left + right > 0
      ? keep(pad({ x: xT }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 }))
      : xT;
    // dy → rows ordered (y, x, n), one column per output channel.
    const dyT = keep(transpose({ x: dy }, { perm: channelsFirst ? [2, 3, 0, 1] : [1, 2, 0, 3] }));
    const dyRows = keep(reshape({ x: dyT }, { shape: [m, co] }));

    const window = (i: number, j: number): TensorInfo => (sh === 1 && sw === 1
      ? slice({ x: padded }, { begin: [0, i, j, 0], size: [ci, ho, wo, n] })
      : stridedSlice({ x: padded }, {
        begin: [0, i, j, 0], end: [ci, i + (ho - 1) * sh + 1, j + (wo - 1) * sw + 1, n], strides: [1, sh, sw, 1],
        beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
      }));

    const offsets: Array<[number, number]> = [];
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) offsets.push([i, j]);
    const perGroup = Math.max(1, Math.min(offsets.length, Math.floor(GROUP_BUDGET_FLOATS / (m * ci))));

    const groupProducts: TensorInfo[] = [];
    for (let start = 0; start < offsets.length; start += perGroup) {
      const windows = offsets.slice(start, start + perGroup).map(([i, j]) => window(i, j));
      const stacked = windows.length === 1 ? windows[0]! : concat(windows, 0);
      if (windows.length > 1) release(b, ...windows);
      const rows = reshape({ x: stacked }, { shape: [windows.length * ci, m] });
      release(b, stacked);
      groupProducts.push(keep(matMul({ a: rows, b: dyRows }, { transposeA: false, transposeB: false })));
      release(b, rows);
    }
    // Offset-major rows [kh·kw·Ci, Co] are exactly the filter layout [kh, kw, Ci, Co].
    const all = groupProducts.length === 1 ? groupProducts[0]! : keep(concat(groupProducts, 0));
    return reshape({ x: all }, { shape: [kh, kw, ci, co] });
  } finally {
    release(b, ...temporaries);
  }
}

/** Registers Conv2DBackpropFilter for the wasm backend unless it already has one. */
export function registerWasmConv2DBackpropFilter(): void {
  addKernelIfMissing({ kernelName: 'Conv2DBackpropFilter', backendName: BACKEND, kernelFunc: conv2DBackpropFilter as tf.KernelFunc });
}
