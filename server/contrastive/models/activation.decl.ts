import { choice, type Declared } from '../declare';

/** The non-linearity option of backbones and heads. */
export const activation = (def: 'relu' = 'relu') => choice('Non-linearity between layers.', def, [
  ['relu', 'max(0, x): the robust default.'],
  ['gelu', 'Smooth ReLU used by transformers; slightly slower, sometimes slightly better.'],
  ['tanh', 'Bounded in (-1, 1); can saturate in deep stacks — prefer relu/gelu unless you need bounded features.'],
  ['elu', 'Like relu but smooth and negative for x < 0; keeps mean activations near zero.'],
  ['swish', 'x·sigmoid(x) (SiLU); smooth and self-gated, a good choice for small convnets.'],
]);

export type Activation = Declared<ReturnType<typeof activation>>;
