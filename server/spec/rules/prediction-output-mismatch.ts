import { fix, setField } from '../edits';
import type { SpecRule } from './rule';
import { targetSize } from './sizes';

export const predictionOutputMismatch: SpecRule = {
  id: 'prediction-output-mismatch',
  severity: 'error',
  description: 'The prediction head output size differs from the projection (target) output size.',
  check({ spec, document }) {
    const prediction = spec.architecture.prediction;
    if (prediction === null) return [];
    const last = prediction.layers.length - 1;
    const expected = targetSize(spec);
    if (prediction.layers[last] === expected) return [];
    const path = document.has(['architecture', 'prediction', 'layers']) ? ['architecture', 'prediction', 'layers', last] : ['architecture', 'prediction'];
    return [{
      path,
      message: `The prediction head outputs ${prediction.layers[last]} values but the target ${spec.architecture.projection ? 'projection head' : 'representation'} has ${expected}: the loss compares them element by element. Make the last prediction layer ${expected}.`,
      fixes: fix(`Set the last prediction layer to ${expected}`, setField(document, ['architecture', 'prediction', 'layers'], [...prediction.layers.slice(0, last), expected])),
    }];
  },
};
