// The 2-D convolution our models use: tfjs-layers' Conv2D with one change, its input gradient is
// computed only when something being trained needs it (see dense.ts for the same change to Dense).
// The stock layer runs tf.fused.conv2d, whose gradient (one tf.customGrad) always computes the
// input's gradient; for a network's first convolution the input is data and that
// Conv2DBackpropInput (100 ms of a 2.7 s step of the convnet recipe on wasm) is thrown away. Here
// the same FusedConv2D kernel runs through the engine with a registered gradient whose parts are
// separate closures calling the kernels the stock gradient calls, so the numbers are the same; the
// layer saves as a plain `Conv2D`.
import { tf } from '../backend';

const FUSED_CONV_2D = 'FusedConv2D';

interface FusedConvAttrs {
  readonly strides: [number, number];
  readonly pad: 'same' | 'valid';
  readonly dataFormat: string;
  readonly dilations: [number, number];
  readonly activation: string;
}

let gradientRegistered = false;

/** The gradient of a linear NHWC fused convolution run by `convolve`; tfjs registers none for this kernel. */
function registerFusedConv2DGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: FUSED_CONV_2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const { strides, pad, dataFormat, dilations, activation } = attrs as unknown as FusedConvAttrs;
      if (dataFormat !== 'NHWC' || activation !== 'linear' || dilations.some((d) => d !== 1)) {
        throw new Error(`The ${FUSED_CONV_2D} gradient registered by Contrastive Lab covers linear NHWC convolutions without dilation only (got ${dataFormat}, ${activation}, dilations ${dilations.join('×')}).`);
      }
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dy4D = dy as tf.Tensor4D;
      const common = { strides, pad, dataFormat: 'NHWC' };
      return {
        x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: dy4D, filter }, { ...common, inputShape: x.shape }) as tf.Tensor4D,
        filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dy4D }, { ...common, filterShape: filter.shape }) as tf.Tensor4D,
        bias: () => tf.reshape(tf.sum(dy4D, [0, 1, 2]), [dy4D.shape[3]]),
      };
    },
  });
}

/** conv2d(x, filter) (+ bias), NHWC, as one fused kernel with a lazy gradient. */
export function convolve(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D | null, strides: [number, number], pad: 'same' | 'valid'): tf.Tensor4D {
  registerFusedConv2DGradient();
  const inputs: tf.NamedTensorMap = bias === null ? { x, filter } : { x, filter, bias };
  const attrs = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], activation: 'linear' };
  return tf.engine().runKernel(FUSED_CONV_2D, inputs, attrs) as tf.Tensor4D;
}

/** The parts of tfjs-layers' Conv2D that `call` reads (protected in its typings). */
interface ConvInternals {
  readonly kernel: tf.LayerVariable;
  readonly bias: tf.LayerVariable | null;
  readonly strides: number[];
  readonly padding: string;
  readonly dataFormat: string;
  readonly dilationRate: number | number[];
  readonly activation: { getClassName(): string; apply(x: tf.Tensor): tf.Tensor };
}

type LayerClass = new (args: Parameters<typeof tf.layers.conv2d>[0]) => tf.layers.Layer;
/** tfjs-layers exports only the factory: take the class from an instance. */
const StockConv2D = Object.getPrototypeOf(tf.layers.conv2d({ filters: 1, kernelSize: 1 })).constructor as LayerClass;

class LazyInputGradientConv2D extends StockConv2D {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0]! : inputs;
    const layer = this as unknown as ConvInternals;
    const dilations = typeof layer.dilationRate === 'number' ? [layer.dilationRate, layer.dilationRate] : layer.dilationRate;
    const plain = input.rank === 4 && layer.dataFormat === 'channelsLast' && dilations.every((d) => d === 1) && (layer.padding === 'same' || layer.padding === 'valid');
    // Other configurations keep the stock path.
    if (!plain) return super.call(inputs, kwargs) as tf.Tensor;
    return tf.tidy(() => {
      const bias = layer.bias === null ? null : (layer.bias.read() as tf.Tensor1D);
      const out = convolve(input as tf.Tensor4D, layer.kernel.read() as tf.Tensor4D, bias, [layer.strides[0]!, layer.strides[1]!], layer.padding as 'same' | 'valid');
      return layer.activation.getClassName() === 'linear' ? out : layer.activation.apply(out);
    });
  }
}

/** A Conv2D layer (same config, weights and saved form as `tf.layers.conv2d`). */
export function lazyInputGradientConv2D(args: Parameters<typeof tf.layers.conv2d>[0]): tf.layers.Layer {
  return new LazyInputGradientConv2D(args);
}
