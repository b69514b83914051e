import { fix, setField } from '../edits';
import { LOSS_TYPES, lossFacts } from '../ingredients';
import type { SpecRule } from './rule';

// The losses whose declarations say they turn `distance` similarities into softmax logits.
const SOFTMAX_LOSSES = LOSS_TYPES.filter((type) => lossFacts(type).softmaxLogits);

export const unnormalizedDotLogits: SpecRule = {
  id: 'unnormalized-dot-logits',
  severity: 'warning',
  description: `A softmax loss (${SOFTMAX_LOSSES.join(', ')}) on raw dot products of unnormalised outputs: logits can grow without bound.`,
  check({ spec, document }) {
    const distance = spec.distance;
    if (distance.type !== 'dot' || distance.normalize || spec.architecture.normalizeOutput || !lossFacts(spec.loss.type).softmaxLogits) return [];
    return [{
      path: ['architecture', 'normalizeOutput'],
      message: `${spec.loss.type} turns similarities into softmax logits${'temperature' in spec.loss ? ' (divided by its temperature)' : ''}; with unnormalised outputs and a raw dot product the network can grow vector lengths to make logits huge, which overflows or saturates the loss. Normalise the outputs (\`architecture.normalizeOutput: true\`) or the distance (\`distance.normalize: true\`).`,
      fixes: fix('Normalise the outputs', setField(document, ['architecture', 'normalizeOutput'], true)),
    }];
  },
};
