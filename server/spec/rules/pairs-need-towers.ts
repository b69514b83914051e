import { DEFAULT_TOWERS } from '../../contrastive/towers/towers.decl';
import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const pairsNeedTowers: SpecRule = {
  id: 'pairs-need-towers',
  severity: 'error',
  description: '`data.pairs` with a one-tower architecture: paired data is read only by two towers (`architecture.towers`).',
  check({ spec, document }) {
    if (spec.data.pairs === null || spec.architecture.towers !== null) return [];
    return [{
      path: ['data', 'pairs'],
      onKey: true,
      message: 'Paired data (`data.pairs`) is read by two towers, one per side, but `architecture` describes one network, which would train on `data.source` and ignore the pairs. Add `architecture.towers` (tower a for side a, tower b for side b), or remove `data.pairs`.',
      fixes: fix('Add two towers (a: network, b: text)', setField(document, ['architecture', 'towers'], DEFAULT_TOWERS)),
    }];
  },
};
