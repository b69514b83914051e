// Some wasm kernels do not propagate NaN: XNNPACK's output clamps turn it into a finite number or
// −∞ (measured on tfjs-backend-wasm 4.22): _FusedMatMul with an activation (NaN → 0 under relu),
// Conv2D / FusedConv2D / depthwise convolutions and MaxPool / AvgPool (NaN → −∞, which the next
// relu makes 0), ClipByValue and Relu6 (NaN → a bound). A NaN that becomes 0 leaves a finite loss over
// a dead network, so no guard can see it. Each of these kernels is wrapped to add x·0 (0 for a finite
// x, NaN for NaN and ±∞) of its inputs back onto its output, reduced along the axes that feed each
// output element (a matmul row and column, a convolution's sample), so a non-finite input always
// yields a NaN output where it would on the cpu backend.
import type * as tf from '@tensorflow/tfjs';
import { bindKernel, overrideKernel, release, requireKernel, type Backend, type TensorInfo } from './kernelCalls';

class Ops {
  private readonly multiply;
  private readonly add;
  private readonly sum;
  private readonly reshape;
  private readonly maximum;
  private readonly minimum;
  constructor(private readonly backend: Backend, backendName: string) {
    const kernel = (name: string) => bindKernel(requireKernel(name, backendName), backend);
    this.multiply = kernel('Multiply');
    this.add = kernel('Add');
    this.sum = kernel('Sum');
    this.reshape = kernel('Reshape');
    this.maximum = kernel('Maximum');
    this.minimum = kernel('Minimum');
  }

  scalar(value: number, keep: (t: TensorInfo) => TensorInfo): TensorInfo {
    return keep({ dataId: this.backend.write(Float32Array.of(value), [], 'float32'), shape: [], dtype: 'float32' });
  }

  /** min(max(x, low), high) with kernels that propagate NaN (as the cpu backend's clip does). */
  clip(x: TensorInfo, low: number, high: number, keep: (t: TensorInfo) => TensorInfo): TensorInfo {
    const lowered = keep(this.maximum({ a: x, b: this.scalar(low, keep) }));
    return this.minimum({ a: lowered, b: this.scalar(high, keep) });
  }

  /** Σ x·0 over `axes` (kept as size-1 axes), reshaped to `shape`: 0 where finite, NaN otherwise. */
  poison(x: TensorInfo, axes: number[], shape: number[], keep: (t: TensorInfo) => TensorInfo): TensorInfo {
    const zero = this.scalar(0, keep);
    const times = keep(this.multiply({ a: x, b: zero }));
    if (axes.length === 0) return times;
    const reduced = keep(this.sum({ x: times }, { axis: axes, keepDims: true }));
    return keep(this.reshape({ x: reduced }, { shape }));
  }

  plus(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.add({ a, b });
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

function floatInput(inputs: tf.NamedTensorInfoMap, name: string): TensorInfo | undefined {
  const t = inputs[name];
  return t !== undefined && t.dtype === 'float32' ? t : undefined;
}

/** Adds the poison terms to the original kernel's output; intermediates are released. */
function propagating(original: tf.KernelConfig, terms: (ops: Ops, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap, keep: (t: TensorInfo) => TensorInfo) => TensorInfo[]): tf.KernelFunc {
  return (args) => {
    const out = original.kernelFunc(args);
    if (Array.isArray(out) || out.dtype !== 'float32') return out;
    const backend = args.backend as Backend;
    const ops = new Ops(backend, original.backendName);
    const scratch: TensorInfo[] = [];
    const keep = (t: TensorInfo): TensorInfo => {
      scratch.push(t);
      return t;
    };
    let result = out;
    try {
      for (const term of terms(ops, args.inputs, args.attrs ?? {}, keep)) {
        const sum = ops.plus(result, term);
        if (result !== out) scratch.push(result);
        result = sum;
      }
      if (result !== out) scratch.push(out);
      return result;
    } finally {
      release(backend, ...scratch);
    }
  };
}

/** out[.., i, j] gets row i of a and column j of b (and the bias). */
function matMulTerms(ops: Ops, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap, keep: (t: TensorInfo) => TensorInfo): TensorInfo[] {
  const a = floatInput(inputs, 'a');
  const b = floatInput(inputs, 'b');
  if (a === undefined || b === undefined) return [];
  const transposeA = attrs['transposeA'] === true;
  const transposeB = attrs['transposeB'] === true;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const batchA = a.shape.slice(0, ra - 2);
  const batchB = b.shape.slice(0, rb - 2);
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const rows = ops.poison(a, [transposeA ? ra - 2 : ra - 1], [...batchA, m, 1], keep);
  const cols = ops.poison(b, [transposeB ? rb - 1 : rb - 2], [...batchB, 1, n], keep);
  const terms = [rows, cols];
  const bias = floatInput(inputs, 'bias');
  if (bias !== undefined) terms.push(ops.poison(bias, [], bias.shape, keep));
  return terms;
}

/** Every output of a sample depends on (a window of) that sample: poison per sample, and per filter. */
function perSampleTerms(...weights: string[]) {
  return (ops: Ops, inputs: tf.NamedTensorInfoMap, _attrs: tf.NamedAttrMap, keep: (t: TensorInfo) => TensorInfo): TensorInfo[] => {
    const x = floatInput(inputs, 'x');
    if (x === undefined) return [];
    const rank = x.shape.length;
    const terms = [ops.poison(x, range(1, rank), [x.shape[0]!, ...range(1, rank).map(() => 1)], keep)];
    for (const name of weights) {
      const w = floatInput(inputs, name);
      if (w !== undefined) terms.push(ops.poison(w, range(0, w.shape.length), [], keep));
    }
    return terms;
  };
}

/** ClipByValue and Relu6 as a NaN-propagating max/min pair (±∞ still clip to the bounds). */
function clipping(backendName: string, bounds: (attrs: tf.NamedAttrMap) => [number, number]): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const x = inputs['x'];
    if (x === undefined) throw new Error('ClipByValue needs input x.');
    const b = backend as Backend;
    const ops = new Ops(b, backendName);
    const scratch: TensorInfo[] = [];
    const keep = (t: TensorInfo): TensorInfo => {
      scratch.push(t);
      return t;
    };
    try {
      const [low, high] = bounds(attrs ?? {});
      return ops.clip(x, low, high, keep);
    } finally {
      release(b, ...scratch);
    }
  };
}

/** Wraps the kernels that hide NaN on `backendName` (idempotent): every wasm one above; on cpu,
 * MaxPool, which skips NaN in its window. */
export function registerNanPropagation(backendName: 'wasm' | 'cpu'): void {
  const wrap = (name: string, make: (original: tf.KernelConfig) => tf.KernelFunc): void => overrideKernel(name, backendName, make, 'nan');
  wrap('MaxPool', (original) => propagating(original, perSampleTerms()));
  if (backendName === 'cpu') return;
  wrap('_FusedMatMul', (original) => propagating(original, matMulTerms));
  for (const name of ['Conv2D', 'DepthwiseConv2dNative']) wrap(name, (original) => propagating(original, perSampleTerms('filter')));
  for (const name of ['FusedConv2D', 'FusedDepthwiseConv2D']) wrap(name, (original) => propagating(original, perSampleTerms('filter', 'bias')));
  wrap('AvgPool', (original) => propagating(original, perSampleTerms()));
  wrap('ClipByValue', () => clipping(backendName, (attrs) => [Number(attrs['clipValueMin']), Number(attrs['clipValueMax'])]));
  wrap('Relu6', () => clipping(backendName, () => [0, 6]));
}
