import { plural } from '../../shared/plural';
import { fix, setField } from '../edits';
import type { SpecRule } from './rule';
import { powerOfTwoBelow } from './sizes';

export const batchLargerThanSplit: SpecRule = {
  id: 'batch-larger-than-split',
  severity: 'error',
  description: 'The batch size exceeds the number of training samples.',
  check({ spec, document, data }) {
    if (data.trainSize === undefined || spec.strategy.batchSize <= data.trainSize) return [];
    const suggested = Math.max(2, powerOfTwoBelow(data.trainSize));
    const split = `the training split has only ${plural(data.trainSize, 'sample')} (of ${data.size}, after holding out ${spec.data.split.testFraction} for evaluation)`;
    return [{
      path: ['strategy', 'batchSize'],
      message: data.trainSize < 2
        ? `The batch size is ${spec.strategy.batchSize} but ${split}: a batch needs at least 2 samples. Add samples to \`${spec.data.source}\`.`
        : `The batch size is ${spec.strategy.batchSize} but ${split}: not even one full batch exists. Use at most ${data.trainSize}, e.g. ${suggested}.`,
      fixes: data.trainSize >= 2 ? fix(`Set the batch size to ${suggested}`, setField(document, ['strategy', 'batchSize'], suggested)) : [],
    }];
  },
};
