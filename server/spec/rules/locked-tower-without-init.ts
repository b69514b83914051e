import { fix, setField } from '../edits';
import type { RuleFinding, SpecRule } from './rule';

export const lockedTowerWithoutInit: SpecRule = {
  id: 'locked-tower-without-init',
  severity: 'error',
  description: 'A locked tower without `init` weights (it would stay random and never learn), or both towers locked.',
  check({ spec, document }) {
    const towers = spec.architecture.towers;
    if (towers === null) return [];
    const findings: RuleFinding[] = [];
    for (const name of ['a', 'b'] as const) {
      const tower = towers[name];
      if (!tower.locked || tower.init !== null) continue;
      const loadable = tower.type === 'network';
      findings.push({
        path: ['architecture', 'towers', name, 'locked'],
        message: loadable
          ? `Tower ${name} is locked but has no \`init\`: it would keep its random initial weights and never learn, and the other tower would learn to match noise. Give it pretrained weights (\`init: { from: <run directory> }\`, e.g. a SimCLR run — that is SigLIT / LiT), or unlock it.`
          : `Tower ${name} is a text tower and locked, but a text tower cannot be loaded from an earlier run, so it would stay random. Unlock it.`,
        fixes: fix(`Unlock tower ${name}`, setField(document, ['architecture', 'towers', name, 'locked'], false)),
      });
    }
    if (towers.a.locked && towers.b.locked && findings.length === 0 && !(spec.loss.type === 'siglip' && spec.loss.learnable)) {
      findings.push({
        path: ['architecture', 'towers', 'b', 'locked'],
        message: 'Both towers are locked and the loss has no parameters of its own: nothing would train. Unlock the tower that should learn (LiT locks the image tower and trains the text tower).',
        fixes: fix('Unlock tower b', setField(document, ['architecture', 'towers', 'b', 'locked'], false)),
      });
    }
    return findings;
  },
};
