// Small building blocks shared by the backbones and heads: activations, dense and conv layers with
// stable names (names key checkpoints and optimiser state, so they must not depend on how many
// models the process has built).
import { tf } from '../backend';
import type { Activation } from './activation.decl';
import { fusedBatchNorm } from './batchNorm';
import { lazyInputGradientConv2D } from './conv';
import { lazyInputGradientDense } from './dense';

export type Symbolic = tf.SymbolicTensor;

/** tfjs-layers' identifier for each activation the schema offers. */
const ACTIVATIONS: Readonly<Record<Activation, 'relu' | 'gelu' | 'tanh' | 'elu' | 'swish'>> = {
  relu: 'relu', gelu: 'gelu', tanh: 'tanh', elu: 'elu', swish: 'swish',
};

export function activationLayer(activation: Activation, name: string): tf.layers.Layer {
  return tf.layers.activation({ activation: ACTIVATIONS[activation], name });
}

export function apply(layer: tf.layers.Layer, input: Symbolic): Symbolic {
  return layer.apply(input) as Symbolic;
}

export function dense(units: number, name: string, useBias = true): tf.layers.Layer {
  return lazyInputGradientDense({ units, name, useBias, kernelInitializer: 'heNormal' });
}

export function batchNorm(name: string): tf.layers.Layer {
  return fusedBatchNorm({ name, momentum: 0.9, epsilon: 1e-5 });
}

export function conv(filters: number, kernelSize: number, name: string, strides = 1, useBias = true): tf.layers.Layer {
  return lazyInputGradientConv2D({ filters, kernelSize, strides, padding: 'same', name, useBias, kernelInitializer: 'heNormal' });
}
