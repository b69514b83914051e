import { PAIRS_BUILTIN } from '../../contrastive/towers/towers.decl';
import type { RuleFinding, SpecRule } from './rule';

export const pairsSideUnnamed: SpecRule = {
  id: 'pairs-side-unnamed',
  severity: 'error',
  description: 'A `.csv` / `.jsonl` pairs file whose side a or b does not name exactly one of image, text or numeric; or an unknown built-in paired set.',
  check({ spec }) {
    const pairs = spec.data.pairs;
    if (pairs === null || pairs.folders !== null) return [];
    if (pairs.source.startsWith('builtin:')) {
      return pairs.source === PAIRS_BUILTIN ? [] : [{ path: ['data', 'pairs', 'source'], message: `There is no built-in paired dataset "${pairs.source}"; the built-in one is ${PAIRS_BUILTIN}. Or give a .csv / .jsonl file, or two folders (data.pairs.folders).` }];
    }
    const findings: RuleFinding[] = [];
    for (const name of ['a', 'b'] as const) {
      const side = pairs[name];
      const named = side === null ? [] : (['image', 'text', 'numeric'] as const).filter((k) => side[k] !== null);
      if (named.length === 1) continue;
      findings.push(side === null || named.length === 0
        ? { path: side === null ? ['data', 'pairs'] : ['data', 'pairs', name], onKey: true, message: `data.pairs.${name} does not say which column of ${pairs.source} holds side ${name}: give exactly one of \`image: <column of image paths>\`, \`text: <column of texts>\` or \`numeric: [<columns>]\`.` }
        : { path: ['data', 'pairs', name], onKey: true, message: `data.pairs.${name} names ${named.join(' and ')}; a side is one thing: keep exactly one of image, text or numeric.` });
    }
    return findings;
  },
};
