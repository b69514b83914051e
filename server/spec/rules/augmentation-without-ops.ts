import { fix, setField } from '../edits';
import { loadSchema } from '../schema';
import { DEFAULT_VECTOR_VIEWS } from '../resolve';
import type { SpecRule } from './rule';

export const augmentationWithoutOps: SpecRule = {
  id: 'augmentation-without-ops',
  severity: 'error',
  description: 'Augmentation positives with no ops in either view: both views are the original sample.',
  check({ spec, document, data }) {
    const views = spec.pairs.views;
    if (spec.pairs.positives !== 'augmentation' || views.weak.length > 0 || views.strong.length > 0) return [];
    const strongDefault = data.kind === 'vectors' ? DEFAULT_VECTOR_VIEWS.strong : loadSchema().properties?.pairs?.properties?.views?.properties?.strong?.default;
    return [{
      path: ['pairs', 'views'],
      message: 'With `positives: augmentation` the two views of a sample are its positive pair, but both views have no ops: the views are identical and the task is trivial (the loss drops to its minimum and the features learn nothing). Add ops to at least the strong view.',
      fixes: fix('Use the default strong view', setField(document, ['pairs', 'views', 'strong'], strongDefault)),
    }];
  },
};
