import { fix, setField } from '../edits';
import { LOSS_TYPES, lossFacts } from '../ingredients';
import type { SpecRule } from './rule';

const WITHOUT_NEGATIVES = LOSS_TYPES.filter((type) => !lossFacts(type).needsNegatives).join(', ');

export const lossNeedsNegatives: SpecRule = {
  id: 'loss-needs-negatives',
  severity: 'error',
  description: 'A loss that contrasts positives with negatives is used with `pairs.negatives: none`.',
  check({ spec, document }) {
    if (spec.pairs.negatives.type !== 'none' || !lossFacts(spec.loss.type).needsNegatives) return [];
    return [{
      path: ['pairs', 'negatives', 'type'],
      message: `The ${spec.loss.type} loss pushes negatives away, but \`pairs.negatives\` is none, so it has nothing to contrast with. Use in-batch negatives (\`negatives: {type: batch}\`) or a queue, or choose a loss without negatives (${WITHOUT_NEGATIVES}).`,
      fixes: fix('Use in-batch negatives', setField(document, ['pairs', 'negatives'], { type: 'batch' })),
    }];
  },
};
