import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const circleNeedsCosine: SpecRule = {
  id: 'circle-needs-cosine',
  severity: 'error',
  description: 'Circle loss with a distance other than cosine similarity.',
  check({ spec, document }) {
    if (spec.loss.type !== 'circle' || spec.distance.type === 'cosine') return [];
    return [{
      path: ['distance', 'type'],
      message: `Circle loss is defined on cosine similarities in [-1, 1]: its optima 1 + m and −m and its scale γ = ${spec.loss.gamma} assume them. With ${spec.distance.type} the weights are meaningless. Use \`distance: {type: cosine}\`.`,
      fixes: fix('Use cosine similarity', setField(document, ['distance'], { type: 'cosine' })),
    }];
  },
};
