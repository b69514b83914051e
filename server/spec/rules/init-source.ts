import { readInitSource, partMismatch } from '../initSource';
import type { RuleFinding, SpecRule } from './rule';

export const initSource: SpecRule = {
  id: 'init-source',
  severity: 'error',
  description: '`init.from` names no run with a checkpoint, or a part of `init.parts` is built differently in that run (input, backbone, representation or heads).',
  check({ spec, specDir }) {
    const init = spec.init;
    if (init === null) return [];
    const source = readInitSource(init.from, specDir);
    // A run not made yet is init-run-missing's warning: a prerequisite, not a mistake in this spec.
    if (!source.ok) return source.missing === true ? [] : [{ path: ['init', 'from'], message: source.problem }];
    const findings: RuleFinding[] = [];
    // A difference early in the network (input, backbone) stops every later part: said once, at the first.
    const said = new Set<string>();
    init.parts.forEach((part, i) => {
      const head = part === 'projection' || part === 'prediction' ? source.spec.architecture[part] : undefined;
      const mismatch = head === null
        ? `the run ${source.runDir} has no ${part} head to load; remove ${part} from init.parts`
        : partMismatch(part, source.spec, spec);
      if (mismatch === null || said.has(mismatch)) return;
      said.add(mismatch);
      findings.push({ path: ['init', 'parts', i], message: `init.parts: ${part} cannot be loaded from ${init.from}: ${mismatch}.` });
    });
    return findings;
  },
};
