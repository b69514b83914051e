import { plural } from '../../shared/plural';
import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const knnKExceedsSplit: SpecRule = {
  id: 'knn-k-exceeds-split',
  severity: 'error',
  description: 'kNN evaluation asks for more neighbours than the training split holds.',
  check({ spec, document, data }) {
    const knn = spec.eval.knn;
    if (knn === null || data.trainSize === undefined || knn.k <= data.trainSize) return [];
    const suggested = Math.max(1, Math.min(20, data.trainSize));
    return [{
      path: ['eval', 'knn', 'k'],
      message: `kNN evaluation votes with k = ${knn.k} neighbours, but the training split has only ${plural(data.trainSize, 'sample')}. Use k ≤ ${data.trainSize} (20 is a good default).`,
      fixes: fix(`Set k to ${suggested}`, setField(document, ['eval', 'knn', 'k'], suggested)),
    }];
  },
};
