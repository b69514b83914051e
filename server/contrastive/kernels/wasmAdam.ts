// One Adam / AdamW update of one weight as a single wasm-backend kernel: the new weight and both
// moments in one pass over the backend's memory. Written as tfjs operations the rule is a dozen
// kernels per weight (each a pass over memory plus its JavaScript dispatch): 5.5–6.5 ms of a SimCLR
// step's 63 ms on two threads. Every operation is rounded to float32 where tfjs' kernel would round
// it (float32 results of +, ×, ÷ and √ are correctly rounded either way), so the weights are the ones
// the operations give, bit for bit.
import * as tf from '@tensorflow/tfjs';
import { addKernelIfMissing, type TensorInfo } from './kernelCalls';

export const ADAM_KERNEL = 'ContrastiveLabAdam';
const BACKEND = 'wasm';

export interface AdamAttrs {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  /** AdamW: the decay shrinks the weight; Adam: it is added to the gradient. */
  readonly decoupled: boolean;
  /** The update's number, from 1 (bias correction). */
  readonly step: number;
}

interface WasmOutputs {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

const f = Math.fround;

function adamKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo[] {
  const { variable, gradient, m, v } = args.inputs as Record<'variable' | 'gradient' | 'm' | 'v', TensorInfo>;
  const a = args.attrs as unknown as AdamAttrs;
  const backend = args.backend as WasmOutputs;
  const shape = [...variable.shape];
  // Outputs first: an allocation may grow the memory, which detaches views taken before it.
  const outW = backend.makeOutput(shape, 'float32');
  const outM = backend.makeOutput(shape, 'float32');
  const outV = backend.makeOutput(shape, 'float32');
  const w = backend.typedArrayFromHeap(variable);
  const g = backend.typedArrayFromHeap(gradient);
  const m0 = backend.typedArrayFromHeap(m);
  const v0 = backend.typedArrayFromHeap(v);
  const w1 = backend.typedArrayFromHeap(outW);
  const m1 = backend.typedArrayFromHeap(outM);
  const v1 = backend.typedArrayFromHeap(outV);
  // The scalars as tfjs makes them: float32 tensors of the JavaScript numbers.
  const beta1 = f(a.beta1), oneMinusBeta1 = f(1 - a.beta1), beta2 = f(a.beta2), oneMinusBeta2 = f(1 - a.beta2);
  const correction1 = f(1 - a.beta1 ** a.step), correction2 = f(1 - a.beta2 ** a.step);
  const epsilon = f(a.epsilon), learningRate = f(a.learningRate), decay = f(a.weightDecay);
  const coupled = !a.decoupled && a.weightDecay > 0;
  const shrink = a.decoupled && a.weightDecay > 0 ? f(1 - a.learningRate * a.weightDecay) : 1;
  for (let i = 0; i < w.length; i++) {
    const wi = w[i]!;
    const gi = coupled ? f(g[i]! + f(wi * decay)) : g[i]!;
    const mi = f(f(m0[i]! * beta1) + f(gi * oneMinusBeta1));
    const vi = f(f(v0[i]! * beta2) + f(f(gi * gi) * oneMinusBeta2));
    m1[i] = mi;
    v1[i] = vi;
    const denominator = f(f(Math.sqrt(f(vi / correction2))) + epsilon);
    const base = shrink === 1 ? wi : f(wi * shrink);
    w1[i] = f(base - f(f(f(mi / correction1) / denominator) * learningRate));
  }
  return [outW, outM, outV];
}

/** Registers the kernel for the wasm backend (idempotent). */
export function registerWasmAdam(): void {
  addKernelIfMissing({ kernelName: ADAM_KERNEL, backendName: BACKEND, kernelFunc: adamKernel as unknown as tf.KernelFunc });
}

/** Whether the current backend has the fused update. */
export function fusedAdamAvailable(): boolean {
  return tf.getKernel(ADAM_KERNEL, tf.getBackend()) !== undefined;
}

/** The new weight, first and second moments (tensors the caller owns). */
export function fusedAdam(variable: tf.Tensor, gradient: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(ADAM_KERNEL, { variable, gradient, m, v }, attrs as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
