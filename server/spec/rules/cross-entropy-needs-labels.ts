import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const crossEntropyNeedsLabels: SpecRule = {
  id: 'cross-entropy-needs-labels',
  severity: 'error',
  description: 'loss crossEntropy trains a classifier on the labels: it needs labelled data that training may use (`data.useLabels: true`).',
  check({ spec, document, data }) {
    if (spec.loss.type !== 'crossEntropy') return [];
    if (data.labelled === false) {
      return [{ path: ['loss', 'type'], message: `loss crossEntropy trains a classifier on the labels, but ${spec.data.source} is unlabelled. Use labelled data (one sub-folder per class, or data.labelColumn), or a self-supervised loss such as infoNCE.` }];
    }
    if (!spec.data.useLabels) {
      return [{
        path: ['data', 'useLabels'],
        message: 'loss crossEntropy trains a classifier on the labels, but data.useLabels: false hides them from training. Set data.useLabels: true (with data.labelFraction to use only some of them).',
        fixes: fix('Set data.useLabels: true', setField(document, ['data', 'useLabels'], true)),
      }];
    }
    return [];
  },
};
