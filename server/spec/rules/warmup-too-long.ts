import { plural } from '../../shared/plural';
import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const warmupTooLong: SpecRule = {
  id: 'warmup-too-long',
  severity: 'warning',
  description: 'Learning-rate warm-up lasts as long as (or longer than) training.',
  check({ spec, document }) {
    const { warmupEpochs } = spec.strategy.schedule;
    const epochs = spec.strategy.epochs;
    if (warmupEpochs === 0 || warmupEpochs < epochs) return [];
    const suggested = Math.floor(epochs / 10);
    return [{
      path: ['strategy', 'schedule', 'warmupEpochs'],
      message: `Warm-up lasts ${plural(warmupEpochs, 'epoch')} but training only ${plural(epochs, 'epoch')}: the learning rate never reaches its target${spec.strategy.schedule.type === 'cosine' ? ' and the cosine decay never happens' : ''}. Warm up for about a tenth of training (${suggested}).`,
      fixes: fix(`Set warmupEpochs to ${suggested}`, setField(document, ['strategy', 'schedule', 'warmupEpochs'], suggested)),
    }];
  },
};
