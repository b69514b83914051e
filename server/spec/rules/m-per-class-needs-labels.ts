import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const mPerClassNeedsLabels: SpecRule = {
  id: 'm-per-class-needs-labels',
  severity: 'error',
  description: 'The m-per-class sampler on data without usable labels.',
  check({ spec, document, data }) {
    if (spec.pairs.sampler.type !== 'mPerClass') return [];
    if (spec.data.useLabels && data.labelled !== false) return [];
    return [{
      path: ['pairs', 'sampler', 'type'],
      message: 'The m-per-class sampler groups samples by class, but training has no labels (`data.useLabels` is false or the data is unlabelled). Use `sampler: {type: random}`.',
      fixes: fix('Use the random sampler', setField(document, ['pairs', 'sampler'], { type: 'random' })),
    }];
  },
};
