import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const evalLayerWithoutProjection: SpecRule = {
  id: 'eval-layer-without-projection',
  severity: 'error',
  description: '`eval.layer: projection` when the network has no projection head.',
  check({ spec, document }) {
    if (spec.eval.layer !== 'projection' || spec.architecture.projection !== null) return [];
    return [{
      path: ['eval', 'layer'],
      message: '`eval.layer` is projection but `architecture.projection` is null, so there is no projection to evaluate or export. Use `layer: representation`, or add a projection head.',
      fixes: fix('Evaluate the representation', setField(document, ['eval', 'layer'], 'representation')),
    }];
  },
};
