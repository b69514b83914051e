import { fix, setField } from '../edits';
import { firstWritten } from '../report';
import type { SpecRule } from './rule';
import { targetSize } from './sizes';

export const negativeCosineNeedsPrediction: SpecRule = {
  id: 'negative-cosine-needs-prediction',
  severity: 'error',
  description: 'The negativeCosine (BYOL/SimSiam) loss without a prediction head collapses.',
  check({ spec, document }) {
    if (spec.loss.type !== 'negativeCosine' || spec.architecture.prediction !== null) return [];
    const out = targetSize(spec);
    return [{
      path: firstWritten(document, ['architecture', 'prediction'], ['loss', 'type']),
      message: 'negativeCosine (BYOL/SimSiam) compares an online *prediction* with the target projection; without `architecture.prediction` both sides are the same function and the loss is minimised by a constant output. Add a prediction head whose output matches the projection output.',
      fixes: fix(`Add a prediction head [${Math.max(1, Math.floor(out / 2))}, ${out}]`, setField(document, ['architecture', 'prediction'], { layers: [Math.max(1, Math.floor(out / 2)), out] })),
    }];
  },
};
