// Optimisers keyed by the schema's `type` strings, plus clipping and state files.
import { typesOf } from '../declare';
import { Adam } from './adam';
import { OPTIMIZERS, type OptimizerOptions, type OptimizerType } from './declarations';
import { Lars } from './lars';
import type { Optimizer } from './optimizer';
import { Sgd } from './sgd';

export const OPTIMIZER_TYPES: readonly OptimizerType[] = typesOf(OPTIMIZERS);

export function createOptimizer(spec: OptimizerOptions): Optimizer {
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
