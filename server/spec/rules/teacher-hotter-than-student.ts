import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const teacherHotterThanStudent: SpecRule = {
  id: 'teacher-hotter-than-student',
  severity: 'warning',
  description: 'The target (teacher) temperature is not below the online (student) temperature.',
  check({ spec, document }) {
    const t = spec.strategy.targetTemperature;
    if (t === null || t.teacher < t.student) return [];
    return [{
      path: ['strategy', 'targetTemperature', 'teacher'],
      message: `The teacher temperature (${t.teacher}) should be lower than the student's (${t.student}): a sharp target and a smooth prediction is what discourages collapse to a uniform output (DINO: 0.04 vs 0.1). Swap them.`,
      fixes: fix('Swap teacher and student temperatures', [
        ...(setField(document, ['strategy', 'targetTemperature', 'teacher'], t.student) ?? []),
        ...(setField(document, ['strategy', 'targetTemperature', 'student'], t.teacher) ?? []),
      ]),
    }];
  },
};
