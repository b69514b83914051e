// Optimisers keyed by the schema's `type` strings, plus clipping and state files.
import type { OptimizerSpec, OptimizerType } from '../../spec/types';
import { Adam } from './adam';
import { Lars } from './lars';
import type { Optimizer } from './optimizer';
import { Sgd } from './sgd';

export const OPTIMIZER_TYPES: readonly OptimizerType[] = ['sgd', 'adam', 'adamw', 'lars'];

export function createOptimizer(spec: OptimizerSpec): Optimizer {
  switch (spec.type) {
    case 'sgd': return new Sgd(spec);
    case 'adam':
    case 'adamw': return new Adam(spec);
    case 'lars': return new Lars(spec);
  }
}

export { clipByGlobalNorm, type ClippedGradients } from './clip';
export { isBiasOrNorm, type Optimizer, type OptimizerState, type ParameterUpdate } from './optimizer';
export { loadOptimizerState, saveOptimizerState, OPTIMIZER_BIN, OPTIMIZER_JSON } from './stateFiles';
