// The dense layer our models use: tfjs-layers' Dense with one change, its input gradient is
// computed only when something being trained needs it. The stock layer runs tf.fused.matMul, whose
// gradient (one tf.customGrad) always computes the gradients of the input, the kernel and the bias;
// for a network's first layer the input is data and that product (as large as the forward pass:
// 12 ms of a 98 ms step of the SimCLR MLP recipe on wasm) is thrown away. Here the same fused kernel
// runs through the engine with a registered gradient whose parts are separate closures, so the tape
// computes only those on a path to a trained variable. The kernels, operands and order are the stock
// layer's, so the numbers are the same; the layer saves as a plain `Dense` (model.json stays
// loadable by any tfjs).
import { tf } from '../backend';

/** tfjs' kernel name for matmul + bias (+ activation) in one pass. */
const FUSED_MAT_MUL = '_FusedMatMul';

interface FusedMatMulAttrs {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly activation: string;
}

let gradientRegistered = false;

/**
 * The gradient of a plain (untransposed, linear) fused matmul run by `denseProduct`. tfjs registers
 * none for this kernel (its op brings a custom one), so nothing else is affected.
 */
function registerFusedMatMulGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: FUSED_MAT_MUL,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const { transposeA, transposeB, activation } = attrs as unknown as FusedMatMulAttrs;
      if (transposeA || transposeB || activation !== 'linear') {
        throw new Error(`The ${FUSED_MAT_MUL} gradient registered by Contrastive Lab covers untransposed linear products only (got transposeA=${transposeA}, transposeB=${transposeB}, activation=${activation}).`);
      }
      const [a3D, b3D] = saved as [tf.Tensor3D, tf.Tensor3D];
      const dy3D = dy as tf.Tensor3D;
      return {
        a: () => tf.matMul(dy3D, b3D, false, true),
        b: () => tf.matMul(a3D, dy3D, true, false),
        bias: () => tf.reshape(tf.sum(dy3D, [0, 1]), [dy3D.shape[2]]),
      };
    },
  });
}

/** x · kernel (+ bias) for x [n, k], kernel [k, units], as one fused kernel with a lazy gradient. */
export function denseProduct(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D | null): tf.Tensor2D {
  registerFusedMatMulGradient();
  const [rows, inner] = x.shape;
  const units = kernel.shape[1];
  const a = tf.reshape(x, [1, rows, inner]);
  const b = tf.reshape(kernel, [1, inner, units]);
  const inputs: tf.NamedTensorMap = bias === null ? { a, b } : { a, b, bias };
  const attrs = { transposeA: false, transposeB: false, activation: 'linear', leakyreluAlpha: 0.2 };
  const product = tf.engine().runKernel(FUSED_MAT_MUL, inputs, attrs) as tf.Tensor3D;
  return tf.reshape(product, [rows, units]);
}

/** The parts of tfjs-layers' Dense that `call` reads (protected in its typings). */
interface DenseInternals {
  readonly kernel: tf.LayerVariable;
  readonly bias: tf.LayerVariable | null;
  invokeCallHook(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): void;
  readonly activation: { getClassName(): string; apply(x: tf.Tensor): tf.Tensor };
}

type LayerClass = new (args: Parameters<typeof tf.layers.dense>[0]) => tf.layers.Layer;
/** tfjs-layers does not export the Dense class, only its factory: take it from an instance. */
const StockDense = Object.getPrototypeOf(tf.layers.dense({ units: 1 })).constructor as LayerClass;

class LazyInputGradientDense extends StockDense {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0]! : inputs;
    // Other shapes (rank > 2 inputs) keep the stock path.
    if (input.rank !== 2) return super.call(inputs, kwargs) as tf.Tensor;
    const layer = this as unknown as DenseInternals;
    const { kernel, bias, activation } = layer;
    return tf.tidy(() => {
      layer.invokeCallHook(inputs, kwargs);
      const product = denseProduct(input as tf.Tensor2D, kernel.read() as tf.Tensor2D, bias === null ? null : (bias.read() as tf.Tensor1D));
      return activation.getClassName() === 'linear' ? product : activation.apply(product);
    });
  }
}

/** A Dense layer (same config, weights and saved form as `tf.layers.dense`). */
export function lazyInputGradientDense(args: Parameters<typeof tf.layers.dense>[0]): tf.layers.Layer {
  return new LazyInputGradientDense(args);
}
