import { asParameter, sweptSchema, valueProblems } from '../sweep';
import type { RuleFinding, SpecRule } from './rule';

export const sweepValueInvalid: SpecRule = {
  id: 'sweep-value-invalid',
  severity: 'error',
  description: 'A sweep value (or range end) that its path\'s own schema refuses, or a range that cannot be sampled.',
  check({ spec, document }) {
    if (spec.sweep === null) return [];
    const findings: RuleFinding[] = [];
    for (const [dotted, written] of Object.entries(spec.sweep.parameters)) {
      if (sweptSchema(dotted, document.value) === undefined) continue; // sweep-unknown-path says it
      const parameter = asParameter(written);
      if (parameter === undefined) continue; // the schema says it
      const at = ['sweep', 'parameters', dotted];
      const report = (path: (string | number)[], value: unknown, problems: string[]): void => {
        if (problems.length > 0) findings.push({ path: [...at, ...path], message: `${JSON.stringify(value)} cannot be \`${dotted}\`: ${problems.join(' ')}` });
      };
      if ('values' in parameter) {
        parameter.values.forEach((value, i) => report(['values', i], value, valueProblems(document.value, dotted, value)));
        continue;
      }
      const { min, max, log } = parameter.range;
      if (min > max) findings.push({ path: [...at, 'range', 'min'], message: `The range of \`${dotted}\` is [${min}, ${max}]: min is above max, so nothing can be drawn. Swap them.` });
      else if (log && min <= 0) findings.push({ path: [...at, 'range', 'min'], message: `A log range needs both ends above 0 (log(${min}) does not exist); raise min or set \`log: false\`.` });
      report(['range', 'min'], min, valueProblems(document.value, dotted, min));
      report(['range', 'max'], max, valueProblems(document.value, dotted, max));
    }
    return findings;
  },
};
