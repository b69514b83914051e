import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const queueWithoutEma: SpecRule = {
  id: 'queue-without-ema',
  severity: 'warning',
  description: 'A negative queue without an EMA (momentum) target: queued keys come from many different encoders.',
  check({ spec, document }) {
    if (spec.pairs.negatives.type !== 'queue' || spec.strategy.ema !== null) return [];
    return [{
      path: ['pairs', 'negatives', 'type'],
      message: 'Queued keys were computed by the encoder of earlier steps; if that encoder changes quickly the keys are inconsistent and training degrades (MoCo\'s central finding). Add a slowly moving EMA target: `strategy.ema: {tauStart: 0.99}`.',
      fixes: fix('Add an EMA target network', setField(document, ['strategy', 'ema'], { tauStart: 0.99 })),
    }];
  },
};
