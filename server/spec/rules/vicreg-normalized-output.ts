import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const vicregNormalizedOutput: SpecRule = {
  id: 'vicreg-normalized-output',
  severity: 'warning',
  description: 'VICReg on L2-normalised outputs: its variance term (std ≥ 1 per dimension) can never be met.',
  check({ spec, document }) {
    if (spec.loss.type !== 'vicreg' || !spec.architecture.normalizeOutput) return [];
    return [{
      path: ['architecture', 'normalizeOutput'],
      message: 'VICReg\'s variance term asks every embedding dimension for a standard deviation of at least 1, but on the unit sphere each dimension\'s std is at most about 1/√d: the term can never be satisfied and fights the invariance term. Set `architecture.normalizeOutput: false` (as in the paper).',
      fixes: fix('Set `normalizeOutput: false`', setField(document, ['architecture', 'normalizeOutput'], false)),
    }];
  },
};
