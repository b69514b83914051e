// The wasm backend multiplies untransposed operands with XNNPACK, but falls back to a naive loop
// when an operand is transposed: ~30× slower, and that case is the weight gradient of every dense
// layer (xᵀ·dy) and the input gradient (dy·Wᵀ). Materialising the transpose with the wasm Transpose
// kernel (a cheap copy) and calling the fast plain product closes the gap (measured in bench/).
import * as tf from '@tensorflow/tfjs';
import { bindKernel, overrideKernel, release, requireKernel, swapLastTwo, type Backend, type TensorInfo } from './kernelCalls';

const BACKEND = 'wasm';

function transposeLastTwo(backend: Backend, x: TensorInfo): TensorInfo {
  const transpose = bindKernel(requireKernel('Transpose', BACKEND), backend);
  return transpose({ x }, { perm: swapLastTwo(x.shape.length) });
}

/**
 * Wraps a matmul-like kernel (inputs a, b; attrs transposeA, transposeB) so that transposed
 * operands are materialised first and the original kernel always sees plain operands.
 */
function withPlainOperands(original: tf.KernelConfig): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const transposeA = attrs?.['transposeA'] === true;
    const transposeB = attrs?.['transposeB'] === true;
    if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs });
    const kernelBackend = backend as Backend;
    const a = inputs['a'];
    const b = inputs['b'];
    if (a === undefined || b === undefined) throw new Error(`${original.kernelName} needs inputs a and b.`);
    const temporaries: TensorInfo[] = [];
    const plainA = transposeA ? transposeLastTwo(kernelBackend, a) : a;
    if (transposeA) temporaries.push(plainA);
    const plainB = transposeB ? transposeLastTwo(kernelBackend, b) : b;
    if (transposeB) temporaries.push(plainB);
    try {
      return original.kernelFunc({ inputs: { ...inputs, a: plainA, b: plainB }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      release(kernelBackend, ...temporaries);
    }
  };
}

/** Overrides BatchMatMul and _FusedMatMul of the wasm backend (idempotent). */
export function registerWasmTransposedMatMul(): void {
  overrideKernel('BatchMatMul', BACKEND, withPlainOperands);
  overrideKernel('_FusedMatMul', BACKEND, withPlainOperands);
}
