import { fix, setField } from '../edits';
import type { LossType } from '../types';
import type { SpecRule } from './rule';

const METRIC_LOSSES: readonly LossType[] = ['contrastive', 'triplet', 'liftedStructure', 'generalizedLiftedStructure', 'multiSimilarity'];

export const divergenceWithMetricLoss: SpecRule = {
  id: 'divergence-with-metric-loss',
  severity: 'warning',
  description: 'A distribution divergence (kl, jensenShannon, wasserstein) with a margin loss that assumes a metric.',
  check({ spec, document }) {
    const d = spec.distance.type;
    if ((d !== 'kl' && d !== 'jensenShannon' && d !== 'wasserstein') || !METRIC_LOSSES.includes(spec.loss.type)) return [];
    const suggested = spec.loss.type === 'multiSimilarity' ? 'cosine' : 'euclidean';
    return [{
      path: ['distance', 'type'],
      message: `The ${spec.loss.type} loss sets margins on a metric scale (symmetric, triangle inequality${d === 'kl' ? ', and KL is not even symmetric' : ''}); ${d} compares softmax distributions on a different, tiny scale, so the margins no longer mean what their defaults assume. Use \`${suggested}\`, or retune the margins.`,
      fixes: fix(`Use ${suggested}`, setField(document, ['distance'], { type: suggested })),
    }];
  },
};
