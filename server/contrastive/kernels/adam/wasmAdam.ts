// One Adam / AdamW update of one weight as a single wasm-backend kernel: the new weight and both
// moments in one SIMD pass over the backend's memory (adamWat.ts). Written as tfjs operations the
// rule is a dozen kernels per weight, each a pass over memory plus its JavaScript dispatch: 5.5–6.5 ms
// of a 63 ms SimCLR step on two threads. The operations are tfjs' own, in its order and in float32, so
// the weights are the ones the operations give, bit for bit.
import * as tf from '@tensorflow/tfjs';
import { addKernelIfMissing, type TensorInfo } from '../kernelCalls';
import { instantiateOverBackend } from '../webAssemblyApi';
import { ADAM_WASM_PLAIN, ADAM_WASM_SHARED } from './adamWasm.generated';

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

type AdamExport = (w: number, g: number, m: number, v: number, w1: number, m1: number, v1: number, n: number,
  beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, correction1: number, correction2: number,
  epsilon: number, learningRate: number, decay: number, shrink: number, coupled: number) => void;

/** The wasm backend's internals this kernel reads (public fields its typings omit). */
interface WasmBackendInternals {
  readonly wasm: unknown;
  getMemoryOffset(dataId: object): number;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

const instances = new WeakMap<object, AdamExport>();

/** The module instantiated over this backend's memory (on first use). */
function adamFor(backend: WasmBackendInternals): AdamExport {
  let adam = instances.get(backend);
  if (adam === undefined) {
    adam = instantiateOverBackend<{ adam: AdamExport }>(backend.wasm, ADAM_WASM_PLAIN, ADAM_WASM_SHARED, 'the fused Adam update').adam;
    instances.set(backend, adam);
  }
  return adam;
}

function adamKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo[] {
  const { variable, gradient, m, v } = args.inputs as Record<'variable' | 'gradient' | 'm' | 'v', TensorInfo>;
  const a = args.attrs as unknown as AdamAttrs;
  const backend = args.backend as WasmBackendInternals;
  const adam = adamFor(backend);
  const shape = [...variable.shape];
  const outputs = [backend.makeOutput(shape, 'float32'), backend.makeOutput(shape, 'float32'), backend.makeOutput(shape, 'float32')];
  const offset = (t: TensorInfo): number => backend.getMemoryOffset(t.dataId);
  const size = shape.reduce((p, d) => p * d, 1);
  // The scalars as tfjs makes them: float32 tensors of these JavaScript numbers.
  const decoupledShrink = a.decoupled && a.weightDecay > 0 ? 1 - a.learningRate * a.weightDecay : 1;
  adam(offset(variable), offset(gradient), offset(m), offset(v), offset(outputs[0]!), offset(outputs[1]!), offset(outputs[2]!), size,
    a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, 1 - a.beta1 ** a.step, 1 - a.beta2 ** a.step,
    a.epsilon, a.learningRate, a.weightDecay, decoupledShrink, !a.decoupled && a.weightDecay > 0 ? 1 : 0);
  return outputs;
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
