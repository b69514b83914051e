// Calling one backend kernel from inside another: our custom kernels are compositions of the
// backend's own (fast, native) kernels, so they never copy tensor data into JavaScript.
// This module imports tfjs directly (not ../backend) because backend.ts imports the kernels.
import * as tf from '@tensorflow/tfjs';

export type Backend = tf.KernelBackend;
export type TensorInfo = tf.TensorInfo;

/** A kernel function of one backend, bound to that backend's instance at call time. */
export type BoundKernel = (inputs: tf.NamedTensorInfoMap, attrs?: tf.NamedAttrMap) => TensorInfo;

/** Looks up `kernelName` for `backendName`; throws a message naming the missing kernel. */
export function requireKernel(kernelName: string, backendName: string): tf.KernelConfig {
  const config = tf.getKernel(kernelName, backendName);
  if (config === undefined) {
    throw new Error(`Contrastive Lab needs the ${kernelName} kernel of the ${backendName} backend, which is not registered; reinstall @tensorflow/tfjs-backend-${backendName} 4.22 or choose another backend.`);
  }
  return config;
}

/** Binds a kernel config to a backend instance; a single-output kernel is assumed. */
export function bindKernel(config: tf.KernelConfig, backend: Backend): BoundKernel {
  return (inputs, attrs = {}) => {
    const out = config.kernelFunc({ inputs, backend, attrs });
    if (Array.isArray(out)) throw new Error(`Kernel ${config.kernelName} returned ${out.length} outputs where one was expected.`);
    return out;
  };
}

/**
 * The wasm backend's own memory, for kernels that make one pass over a tensor in JavaScript:
 * a float32 view of a tensor's values, and a new float32 output allocated there (public methods of
 * BackendWasm that its typings omit). A view stays valid until the next allocation, which may grow
 * the memory and detach it: allocate first, or take the views again after allocating.
 */
export interface WasmMemory {
  view(info: TensorInfo): Float32Array;
  allocate(shape: number[]): TensorInfo;
}

export function wasmMemory(backend: Backend): WasmMemory {
  const wasm = backend as unknown as { typedArrayFromHeap(info: TensorInfo): Float32Array; makeOutput(shape: number[], dtype: 'float32'): TensorInfo };
  return { view: (info) => wasm.typedArrayFromHeap(info), allocate: (shape) => wasm.makeOutput(shape, 'float32') };
}

/** Frees intermediate results that a composite kernel created and does not return. */
export function release(backend: Backend, ...tensors: TensorInfo[]): void {
  for (const t of tensors) backend.disposeData(t.dataId);
}

/** The permutation that swaps the last two axes of a tensor of rank `rank`. */
export function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * Replaces the registered kernel `kernelName` of `backendName` with `make(original)`, once per
 * `purpose`: a second call with the same purpose sees the marker and keeps the existing override,
 * while an override for another purpose wraps it. The original's setup function is kept, because
 * the override calls into the original's native entry points.
 */
const overridden = new WeakMap<tf.KernelConfig, ReadonlySet<string>>();
export function overrideKernel(kernelName: string, backendName: string, make: (original: tf.KernelConfig) => tf.KernelFunc, purpose = 'speed'): void {
  const current = requireKernel(kernelName, backendName);
  const purposes = overridden.get(current) ?? new Set<string>();
  if (purposes.has(purpose)) return;
  const config: tf.KernelConfig = { kernelName, backendName, kernelFunc: make(current) };
  if (current.setupFunc !== undefined) config.setupFunc = current.setupFunc;
  if (current.disposeFunc !== undefined) config.disposeFunc = current.disposeFunc;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel(config);
  overridden.set(config, new Set([...purposes, purpose]));
}

/** Registers `config` unless the backend already has a kernel of that name (ours or a newer tfjs's). */
export function addKernelIfMissing(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
}

/** The Concat kernel of `backendName` bound to `backend`; tfjs passes its inputs as an array. */
export function concatKernel(backendName: string, backend: Backend): (tensors: TensorInfo[], axis: number) => TensorInfo {
  const config = requireKernel('Concat', backendName);
  return (tensors, axis) => {
    const out = config.kernelFunc({ inputs: tensors as unknown as tf.NamedTensorInfoMap, backend, attrs: { axis } });
    if (Array.isArray(out)) throw new Error('Concat returned several outputs where one was expected.');
    return out;
  };
}
