// init.from (or a tower's) names a run that does not exist yet. Runs are not kept with the specs
// (runs/ folders are usually ignored by version control), so on a fresh checkout a spec that starts
// from an earlier run is correct but not yet trainable: a warning here, and an error from \`train\`,
// which refuses to start without the weights.
import { readInitSource } from '../initSource';
import type { RuleFinding, SpecRule } from './rule';

export const initRunMissing: SpecRule = {
  id: 'init-run-missing',
  severity: 'warning',
  description: '`init.from` (of the spec or of a tower) names a run that does not exist yet: train that run first, or point init.from at an existing one.',
  check({ spec, specDir }) {
    const sources: { from: string; path: (string | number)[] }[] = [];
    if (spec.init !== null) sources.push({ from: spec.init.from, path: ['init', 'from'] });
    const towers = spec.architecture.towers;
    if (towers !== null) {
      for (const name of ['a', 'b'] as const) {
        const tower = towers[name];
        if (tower.init !== null && tower.type !== 'text') sources.push({ from: tower.init.from, path: ['architecture', 'towers', name, 'init', 'from'] });
      }
    }
    const findings: RuleFinding[] = [];
    for (const { from, path } of sources) {
      const source = readInitSource(from, specDir);
      if (source.ok || source.missing !== true) continue;
      findings.push({ path, message: `${source.problem} Training refuses to start until that run exists: train the run it names first (this file's header may say which), or point init.from at an existing run.` });
    }
    return findings;
  },
};
