import { fix, removeField } from '../edits';
import { LOSSES_IGNORING_DISTANCE } from '../ingredients';
import type { SpecRule } from './rule';

export const distanceUnused: SpecRule = {
  id: 'distance-unused',
  severity: 'info',
  description: 'A `distance` is set for a loss that never uses one (vicreg, barlowTwins, negativeCosine).',
  check({ spec, document }) {
    if (!document.has(['distance']) || !LOSSES_IGNORING_DISTANCE.includes(spec.loss.type)) return [];
    return [{
      path: ['distance'],
      onKey: true,
      message: `The ${spec.loss.type} loss compares the two views directly and ignores \`distance\`; the setting has no effect (evaluation uses cosine similarity). Remove it to avoid confusion.`,
      tags: ['unnecessary'],
      fixes: fix('Remove `distance`', removeField(document, ['distance'])),
    }];
  },
};
