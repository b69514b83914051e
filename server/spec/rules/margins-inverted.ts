import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const marginsInverted: SpecRule = {
  id: 'margins-inverted',
  severity: 'error',
  description: 'A pair loss whose positive margin is not below its negative margin.',
  check({ spec, document }) {
    const loss = spec.loss;
    if (loss.type !== 'contrastive' && loss.type !== 'liftedStructure' && loss.type !== 'generalizedLiftedStructure') return [];
    if (loss.posMargin < loss.negMargin) return [];
    const suggested = loss.posMargin + 1;
    return [{
      path: ['loss', 'negMargin'],
      message: `\`negMargin\` (${loss.negMargin}) must be larger than \`posMargin\` (${loss.posMargin}): negatives must end up farther apart than positives, or the loss pulls and pushes the same distances. E.g. posMargin 0, negMargin 1.`,
      fixes: fix(`Set negMargin to ${suggested}`, setField(document, ['loss', 'negMargin'], suggested)),
    }];
  },
};
