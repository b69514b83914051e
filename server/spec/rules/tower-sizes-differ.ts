import { towerOutputField, towerOutputSize } from '../towerFacts';
import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const towerSizesDiffer: SpecRule = {
  id: 'tower-sizes-differ',
  severity: 'error',
  description: 'The two towers embed into spaces of different sizes: partners cannot be compared.',
  check({ spec, document }) {
    const towers = spec.architecture.towers;
    if (towers === null) return [];
    const a = towerOutputSize(towers.a);
    const b = towerOutputSize(towers.b);
    if (a === b) return [];
    const field = ['architecture', 'towers', 'b', ...towerOutputField(towers.b)];
    const named = towers.b.type === 'text' ? 'embeddingSize' : towers.b.projection !== null ? 'projection output (the last of projection.layers)' : 'representationSize';
    const path = document.has(field) ? field : document.has(['architecture', 'towers', 'b']) ? ['architecture', 'towers', 'b'] : ['architecture', 'towers'];
    return [{
      path,
      message: `Tower a embeds into ${a} values but tower b into ${b}: the loss compares every a with every b by their cosine, so both towers must output the same size. Set tower b's ${named} to ${a}, or tower a's output to ${b}.`,
      fixes: fix(`Make tower b output ${a} values`, setField(document, field, a)),
    }];
  },
};
