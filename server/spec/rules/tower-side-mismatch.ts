import { sideKinds, type SideKind } from '../towerFacts';
import { fix, setField } from '../edits';
import type { RuleFinding, SpecRule } from './rule';

const what: Readonly<Record<SideKind, string>> = { image: 'images', text: 'texts', numeric: 'numbers' };

export const towerSideMismatch: SpecRule = {
  id: 'tower-side-mismatch',
  severity: 'error',
  description: 'A text tower on a side that holds images or numbers, a network tower on a side of texts, or an image backbone (convnet, resnet) on a numeric side.',
  check({ spec, document }) {
    const towers = spec.architecture.towers;
    if (towers === null || spec.data.pairs === null) return [];
    const kinds = sideKinds(spec.data.pairs);
    const findings: RuleFinding[] = [];
    for (const name of ['a', 'b'] as const) {
      const kind = kinds[name];
      const tower = towers[name];
      if (kind === null) continue;
      const typePath = ['architecture', 'towers', name, 'type'];
      if (tower.type === 'text' && kind !== 'text') {
        findings.push({ path: typePath, message: `Tower ${name} is a text tower, but side ${name} of data.pairs holds ${what[kind]}. A text tower reads texts; make it a network tower (backbone → representation → projection), or give side ${name} a text column.`, fixes: fix('Make it a network tower', setField(document, typePath, 'network')) });
      } else if (tower.type === 'network' && kind === 'text') {
        findings.push({ path: typePath, message: `Tower ${name} is a network tower, but side ${name} of data.pairs holds texts. Texts need a text tower (a tokenizer, token embeddings, their mean, a projection).`, fixes: fix('Make it a text tower', setField(document, typePath, 'text')) });
      } else if (tower.type === 'network' && kind === 'numeric' && tower.backbone.type !== 'mlp') {
        findings.push({ path: ['architecture', 'towers', name, 'backbone', 'type'], message: `Tower ${name}'s ${tower.backbone.type} backbone needs images, but side ${name} of data.pairs holds numbers. Use an mlp backbone.`, fixes: fix('Use an mlp backbone', setField(document, ['architecture', 'towers', name, 'backbone'], { type: 'mlp', layers: [256] })) });
      }
    }
    return findings;
  },
};
