import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const predictionHeadCollapse: SpecRule = {
  id: 'prediction-head-collapse',
  severity: 'warning',
  description: 'A prediction head without stop-gradient or an EMA target: the network can collapse to a constant.',
  check({ spec, document }) {
    if (spec.architecture.prediction === null || spec.strategy.stopGradient || spec.strategy.ema !== null) return [];
    return [{
      path: ['architecture', 'prediction'],
      onKey: true,
      message: 'A prediction head alone does not prevent collapse: with gradients flowing into the target branch, both branches can output the same constant and the loss reaches its minimum. Set `strategy.stopGradient: true` (SimSiam) or add an EMA target `strategy.ema` (BYOL).',
      fixes: fix('Set `strategy.stopGradient: true`', setField(document, ['strategy', 'stopGradient'], true)),
    }];
  },
};
