import { fix, setField } from '../edits';
import type { LossType } from '../types';
import type { SpecRule } from './rule';

// SigLIP is not here: it compares L2-normalised views itself and never reads `distance`.
const SOFTMAX_LOSSES: readonly LossType[] = ['infoNCE', 'supCon', 'nPairs', 'softNearestNeighbor'];

export const unnormalizedDotLogits: SpecRule = {
  id: 'unnormalized-dot-logits',
  severity: 'warning',
  description: 'A softmax loss on raw dot products of unnormalised outputs: logits can grow without bound.',
  check({ spec, document }) {
    const distance = spec.distance;
    if (distance.type !== 'dot' || distance.normalize || spec.architecture.normalizeOutput || !SOFTMAX_LOSSES.includes(spec.loss.type)) return [];
    return [{
      path: ['architecture', 'normalizeOutput'],
      message: `${spec.loss.type} turns similarities into softmax logits${'temperature' in spec.loss ? ' (divided by its temperature)' : ''}; with unnormalised outputs and a raw dot product the network can grow vector lengths to make logits huge, which overflows or saturates the loss. Normalise the outputs (\`architecture.normalizeOutput: true\`) or the distance (\`distance.normalize: true\`).`,
      fixes: fix('Normalise the outputs', setField(document, ['architecture', 'normalizeOutput'], true)),
    }];
  },
};
