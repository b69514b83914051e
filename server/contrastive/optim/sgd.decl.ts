import { BOTH_ENGINES, bool, num, optimizer, type OptionsOf } from '../declare';
import { learningRate, weightDecay } from './options.decl';

export const sgd = optimizer('sgd', 'Stochastic gradient descent with momentum. The reference optimiser of MoCo and SimSiam; needs a learning-rate schedule and a larger rate than Adam.', {
  learningRate: learningRate(0.05, 'Step size (SimSiam: 0.05 × batch/256).'),
  momentum: num('Momentum (0 = plain SGD).', 0.9, { minimum: 0, exclusiveMaximum: 1 }, [0.9, 0]),
  nesterov: bool('Use Nesterov momentum.', false),
  weightDecay: weightDecay(0.0001),
}, { engines: BOTH_ENGINES });

export type SgdOptions = OptionsOf<typeof sgd>;
