import { PAIRS_BUILTIN } from '../../contrastive/towers/towers.decl';
import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const towersNeedPairs: SpecRule = {
  id: 'towers-need-pairs',
  severity: 'error',
  description: '`architecture.towers` without `data.pairs`: two towers embed the two sides of paired data, and the spec names none.',
  check({ spec, document }) {
    if (spec.architecture.towers === null || spec.data.pairs !== null) return [];
    return [{
      path: ['architecture', 'towers'],
      onKey: true,
      message: `Two towers embed the two sides of paired samples (an image and its caption), but \`data.pairs\` is not set, so there is nothing for tower b to read. Add \`data.pairs\` (e.g. \`source: ${PAIRS_BUILTIN}\`, or a .csv / .jsonl file naming each side), or remove \`architecture.towers\` to train one network on \`data.source\`.`,
      fixes: fix(`Read the built-in pairs (data.pairs.source: ${PAIRS_BUILTIN})`, setField(document, ['data', 'pairs'], { source: PAIRS_BUILTIN })),
    }];
  },
};
