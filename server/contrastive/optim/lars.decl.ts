import { BOTH_ENGINES, num, optimizer, type OptionsOf } from '../declare';
import { learningRate, weightDecay } from './options.decl';

export const lars = optimizer('lars', 'LARS (You et al. 2017): SGD with a per-layer trust ratio, used by SimCLR/BYOL for very large batches. Rarely needed below batch 1024.', {
  learningRate: learningRate(0.3, 'Base step size (SimCLR: 0.3 × batch/256).'),
  momentum: num('Momentum of the underlying SGD.', 0.9, { minimum: 0, exclusiveMaximum: 1 }, [0.9]),
  trustCoefficient: num('Trust coefficient η of the layer-wise ratio.', 0.001, { exclusiveMinimum: 0 }, [0.001]),
  weightDecay: weightDecay(0.000001),
}, { engines: BOTH_ENGINES });

export type LarsOptions = OptionsOf<typeof lars>;
