import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const supconWithoutLabels: SpecRule = {
  id: 'supcon-without-labels',
  severity: 'info',
  description: 'SupCon with augmentation positives: without labels it is exactly InfoNCE (SimCLR).',
  check({ spec, document }) {
    if (spec.loss.type !== 'supCon' || spec.pairs.positives !== 'augmentation') return [];
    return [{
      path: ['loss', 'type'],
      message: 'With `positives: augmentation` each sample\'s only positive is its other view, so SupCon reduces to InfoNCE (SimCLR). Say so with `loss: {type: infoNCE}` — or use `positives: labels` to get the supervised benefit.',
      fixes: fix('Use infoNCE', setField(document, ['loss'], { type: 'infoNCE', temperature: spec.loss.temperature })),
    }];
  },
};
