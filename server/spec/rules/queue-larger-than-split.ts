import { plural } from '../../shared/plural';
import { fix, setField } from '../edits';
import type { SpecRule } from './rule';
import { powerOfTwoBelow } from './sizes';

export const queueLargerThanSplit: SpecRule = {
  id: 'queue-larger-than-split',
  severity: 'error',
  description: 'The negative queue is larger than the training split, so samples meet their own keys as negatives.',
  check({ spec, document, data }) {
    const negatives = spec.pairs.negatives;
    if (negatives.type !== 'queue' || data.trainSize === undefined || negatives.size <= data.trainSize) return [];
    const suggested = Math.max(spec.strategy.batchSize, powerOfTwoBelow(Math.floor(data.trainSize / 2)));
    return [{
      path: ['pairs', 'negatives', 'size'],
      message: `The queue holds ${negatives.size} keys but the training split has only ${plural(data.trainSize, 'sample')}: every sample's own (older) key would be in the queue as a "negative". Keep the queue well below the split size, e.g. ${suggested}.`,
      fixes: fix(`Set the queue size to ${suggested}`, setField(document, ['pairs', 'negatives', 'size'], suggested)),
    }];
  },
};
