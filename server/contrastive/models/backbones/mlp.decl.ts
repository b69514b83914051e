import { BOTH_ENGINES, backbone, bool, layerList, num, type OptionsOf } from '../../declare';
import { activation } from '../activation.decl';

export const mlp = backbone('mlp', 'A multi-layer perceptron over the flattened input. Fast; the right choice for vectors and fine for 28×28 digits.', {
  layers: layerList('Hidden layer sizes.', [256], [[512, 256]]),
  activation: activation(),
  batchNorm: bool('Batch normalisation after each hidden layer: speeds up training; needs batches of ≥ 16 or its statistics are noisy.', false),
  dropout: num('Dropout rate after each hidden layer.', 0, { minimum: 0, exclusiveMaximum: 1 }, [0, 0.1]),
}, { needsImages: false, engines: BOTH_ENGINES });

export type MlpOptions = OptionsOf<typeof mlp>;
