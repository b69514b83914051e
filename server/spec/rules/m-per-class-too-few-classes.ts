import { plural } from '../../shared/plural';
import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const mPerClassTooFewClasses: SpecRule = {
  id: 'm-per-class-too-few-classes',
  severity: 'error',
  description: 'The m-per-class sampler needs more classes per batch (batchSize / m) than the data has.',
  check({ spec, document, data }) {
    const sampler = spec.pairs.sampler;
    const batch = spec.strategy.batchSize;
    if (sampler.type !== 'mPerClass' || data.classes === undefined || batch % sampler.m !== 0) return [];
    const needed = batch / sampler.m;
    if (needed <= data.classes) return [];
    const suggested = sampler.m * data.classes;
    return [{
      path: ['strategy', 'batchSize'],
      message: `The m-per-class sampler fills each batch with ${sampler.m} samples from each of ${batch} / ${sampler.m} = ${needed} classes, but the data has only ${plural(data.classes, 'class', 'classes')}. Use batchSize = m × classes = ${suggested} (or a larger m).`,
      fixes: fix(`Set the batch size to ${suggested}`, setField(document, ['strategy', 'batchSize'], suggested)),
    }];
  },
};
