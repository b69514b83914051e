import { fix, setField } from '../edits';
import { minerFacts } from '../ingredients';
import type { SpecRule } from './rule';

export const miningWithoutLabels: SpecRule = {
  id: 'mining-without-labels',
  severity: 'warning',
  description: 'Hard-negative mining on unlabelled data or augmentation positives, where the hardest negatives are often false negatives.',
  check({ spec, document, data }) {
    if (!minerFacts(spec.pairs.mining.type).needsLabels) return [];
    const unlabelled = spec.pairs.positives === 'augmentation' || !spec.data.useLabels || data.labelled === false;
    if (!unlabelled) return [];
    return [{
      path: ['pairs', 'mining', 'type'],
      message: `Mining (${spec.pairs.mining.type}) picks the hardest negatives, but without labels the hardest "negatives" are mostly other views of the same class (false negatives), which degrades the features. Use \`mining: {type: none}\`, or labelled positives.`,
      fixes: fix('Turn mining off', setField(document, ['pairs', 'mining'], { type: 'none' })),
    }];
  },
};
