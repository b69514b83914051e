// Add, Sub, Multiply and RealDiv on the wasm backend when one float32 operand is broadcast along
// the rows of the other (a row vector: batch-norm statistics and scales) or along its columns (a
// column [n, 1]: per-sample norms and sums): one SIMD pass of our module (binaryWat.ts) instead of
// the backend's per-element index arithmetic. Other shapes keep the backend's kernel.
import type * as tf from '@tensorflow/tfjs';
import { addKernelIfMissing, overrideKernel, type TensorInfo } from '../kernelCalls';
import { instantiateOverBackend } from '../webAssemblyApi';
import { binaryExportName, type BinaryOp } from './binaryWat';
import { BINARY_WASM_PLAIN, BINARY_WASM_SHARED } from './binaryWasm.generated';

const BACKEND = 'wasm';
const KERNELS: Record<string, BinaryOp> = { Add: 'add', Sub: 'sub', Multiply: 'mul', RealDiv: 'div' };

type BinaryExport = (a: number, b: number, out: number, rows: number, cols: number) => void;
type LerpExport = (a: number, b: number, out: number, n: number, s: number, t: number) => void;
export const LERP_KERNEL = 'ContrastiveLabLerp';

interface WasmBackendInternals {
  readonly wasm: unknown;
  getMemoryOffset(dataId: object): number;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

const instances = new WeakMap<object, Record<string, BinaryExport> & { lerp: LerpExport }>();

function moduleFor(backend: WasmBackendInternals): Record<string, BinaryExport> & { lerp: LerpExport } {
  let exports = instances.get(backend);
  if (exports === undefined) {
    exports = instantiateOverBackend<Record<string, BinaryExport> & { lerp: LerpExport }>(backend.wasm, BINARY_WASM_PLAIN, BINARY_WASM_SHARED, 'our broadcast arithmetic');
    instances.set(backend, exports);
  }
  return exports;
}

const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/**
 * How `small` broadcasts against `full`: along the rows (its values are full's last axis: a shape of
 * ones then cols), along the columns (full is [rows, cols] and small [rows, 1]), or neither.
 */
function broadcastKind(full: readonly number[], small: readonly number[]): { kind: 'rows' | 'cols'; rows: number; cols: number } | null {
  if (full.length < 2 || small.length > full.length) return null;
  const cols = full[full.length - 1]!;
  const rows = size(full) / cols;
  if (small.length >= 1 && small[small.length - 1] === cols && size(small) === cols && cols > 1) return { kind: 'rows', rows, cols };
  if (full.length === 2 && small.length === 2 && small[0] === full[0] && small[1] === 1 && cols > 1) return { kind: 'cols', rows, cols };
  return null;
}

function broadcastBinary(op: BinaryOp): (original: tf.KernelConfig) => tf.KernelFunc {
  return (original) => (args) => {
    const a = args.inputs['a'] as TensorInfo | undefined;
    const b = args.inputs['b'] as TensorInfo | undefined;
    if (a === undefined || b === undefined || a.dtype !== 'float32' || b.dtype !== 'float32' || size(a.shape) === size(b.shape)) return original.kernelFunc(args);
    // The full operand is the larger one; "reversed" when it is b (a ∘ b = reversed ∘ of b and a).
    const reversed = size(b.shape) > size(a.shape);
    const [full, small] = reversed ? [b, a] : [a, b];
    const broadcast = broadcastKind(full.shape, small.shape);
    if (broadcast === null) return original.kernelFunc(args);
    const backend = args.backend as unknown as WasmBackendInternals;
    const out = backend.makeOutput([...full.shape], 'float32');
    // + and × commute exactly in float32: their reversed case is the plain one.
    const name = binaryExportName(broadcast.kind, op, reversed && (op === 'sub' || op === 'div'));
    moduleFor(backend)[name]!(backend.getMemoryOffset(full.dataId), backend.getMemoryOffset(small.dataId), backend.getMemoryOffset(out.dataId), broadcast.rows, broadcast.cols);
    return out;
  };
}

/** a·s + b·t for float32 a and b of one shape (attrs s, t: float32 numbers). */
function lerpKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const { a, b } = args.inputs as Record<'a' | 'b', TensorInfo>;
  const { s, t } = args.attrs as unknown as { s: number; t: number };
  const backend = args.backend as unknown as WasmBackendInternals;
  const out = backend.makeOutput([...a.shape], 'float32');
  moduleFor(backend).lerp(backend.getMemoryOffset(a.dataId), backend.getMemoryOffset(b.dataId), backend.getMemoryOffset(out.dataId), size(a.shape), s, t);
  return out;
}

/** Overrides the four kernels of the wasm backend and adds lerp (idempotent). */
export function registerWasmBroadcastBinary(): void {
  for (const [kernelName, op] of Object.entries(KERNELS)) overrideKernel(kernelName, BACKEND, broadcastBinary(op));
  addKernelIfMissing({ kernelName: LERP_KERNEL, backendName: BACKEND, kernelFunc: lerpKernel as unknown as tf.KernelFunc });
}

