import { fix, removeField } from '../edits';
import { LOSSES_IGNORING_DISTANCE, lossFacts } from '../ingredients';
import type { SpecRule } from './rule';

export const distanceUnused: SpecRule = {
  id: 'distance-unused',
  severity: 'info',
  description: `A \`distance\` is set for a loss that never uses one (${LOSSES_IGNORING_DISTANCE.join(', ')}).`,
  check({ spec, document }) {
    if (!document.has(['distance']) || lossFacts(spec.loss.type).usesDistance) return [];
    return [{
      path: ['distance'],
      onKey: true,
      message: `The ${spec.loss.type} loss compares the two views directly and ignores \`distance\`; the setting has no effect (evaluation uses cosine similarity). Remove it to avoid confusion.`,
      tags: ['unnecessary'],
      fixes: fix('Remove `distance`', removeField(document, ['distance'])),
    }];
  },
};
