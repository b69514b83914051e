import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const mPerClassDivisibility: SpecRule = {
  id: 'm-per-class-divisibility',
  severity: 'error',
  description: 'The m-per-class sampler with a batch size that is not a multiple of m.',
  check({ spec, document }) {
    const sampler = spec.pairs.sampler;
    const batch = spec.strategy.batchSize;
    if (sampler.type !== 'mPerClass' || batch % sampler.m === 0) return [];
    const suggested = Math.max(sampler.m, Math.round(batch / sampler.m) * sampler.m);
    return [{
      path: ['strategy', 'batchSize'],
      message: `The m-per-class sampler fills a batch with ${sampler.m} samples from each of batchSize / m classes, but ${batch} is not divisible by ${sampler.m}. Use a multiple of ${sampler.m}, e.g. ${suggested}.`,
      fixes: fix(`Set the batch size to ${suggested}`, setField(document, ['strategy', 'batchSize'], suggested)),
      related: document.rangeOf(['pairs', 'sampler', 'm']) ? [{ path: ['pairs', 'sampler', 'm'], range: document.rangeOf(['pairs', 'sampler', 'm'])!, message: `m = ${sampler.m}` }] : [],
    }];
  },
};
