import { BOTH_ENGINES, num, optimizer, type OptionsOf } from '../declare';
import { learningRate, weightDecay } from './options.decl';

export const adam = optimizer('adam', 'Adam (Kingma & Ba 2015): adaptive per-parameter steps; forgiving and fast to converge on small problems. The default.', {
  learningRate: learningRate(0.001, 'Step size; 1e-3 is a good start, lower it if the loss is noisy.'),
  beta1: num('Decay of the first-moment (momentum) estimate.', 0.9, { minimum: 0, exclusiveMaximum: 1 }, [0.9]),
  beta2: num('Decay of the second-moment estimate.', 0.999, { minimum: 0, exclusiveMaximum: 1 }, [0.999]),
  epsilon: num('Numerical ε added to the denominator.', 1e-8, { exclusiveMinimum: 0 }, [1e-8]),
  weightDecay: weightDecay(0),
}, { engines: BOTH_ENGINES });
export const adamw = optimizer('adamw', 'AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay — the decay actually regularises, unlike L2 in Adam.', {
  learningRate: learningRate(0.001, 'Step size; 1e-3 is a good start for AdamW as for Adam.'),
  beta1: num('Decay of the first-moment estimate.', 0.9, { minimum: 0, exclusiveMaximum: 1 }, [0.9]),
  beta2: num('Decay of the second-moment estimate.', 0.999, { minimum: 0, exclusiveMaximum: 1 }, [0.999]),
  epsilon: num('Numerical ε added to the denominator.', 1e-8, { exclusiveMinimum: 0 }, [1e-8]),
  weightDecay: weightDecay(0.01),
}, { engines: BOTH_ENGINES });

export type AdamOptions = OptionsOf<typeof adam>;
export type AdamwOptions = OptionsOf<typeof adamw>;
