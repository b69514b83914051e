import { sideKinds } from '../towerFacts';
import { readInitSource, partMismatch } from '../initSource';
import { fix, removeField } from '../edits';
import type { RuleFinding, SpecRule } from './rule';

export const towerInit: SpecRule = {
  id: 'tower-init',
  severity: 'error',
  description: 'A tower\'s `init.from` names no run with a checkpoint, the run\'s network is built differently from the tower, or `init` is given to a text tower.',
  check({ spec, specDir, document }) {
    const towers = spec.architecture.towers;
    if (towers === null) return [];
    const findings: RuleFinding[] = [];
    for (const name of ['a', 'b'] as const) {
      const tower = towers[name];
      if (tower.init === null) continue;
      const at = ['architecture', 'towers', name, 'init'];
      if (tower.type === 'text') {
        findings.push({ path: at, onKey: true, message: `Tower ${name} is a text tower; \`init\` loads a network tower (backbone, representation, projection) from a one-tower run, and a text tower has none of those. Remove \`init\`, or make the tower a network tower.`, fixes: fix('Remove init', removeField(document, at)) });
        continue;
      }
      const source = readInitSource(tower.init.from, specDir);
      if (!source.ok) {
        // A run not made yet is init-run-missing's warning.
        if (source.missing !== true) findings.push({ path: [...at, 'from'], message: source.problem });
        continue;
      }
      // The tower is loaded whole: its backbone, representation and projection must be that run's.
      const target = { architecture: { backbone: tower.backbone, representationSize: tower.representationSize, projection: tower.projection, prediction: null }, data: { source: spec.data.source, format: spec.data.pairs !== null && sideKinds(spec.data.pairs)[name] === 'numeric' ? ('csv' as const) : ('images' as const), imageSize: spec.data.imageSize, channels: spec.data.channels } };
      const mismatch = partMismatch(tower.projection !== null ? 'projection' : 'representation', source.spec, target);
      if (mismatch !== null) findings.push({ path: [...at, 'from'], message: `Tower ${name} cannot be loaded from ${tower.init.from}: ${mismatch.replaceAll('architecture.', `architecture.towers.${name}.`)}.` });
    }
    return findings;
  },
};
