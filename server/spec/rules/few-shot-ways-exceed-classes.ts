import { plural } from '../../shared/plural';
import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const fewShotWaysExceedClasses: SpecRule = {
  id: 'few-shot-ways-exceed-classes',
  severity: 'error',
  description: 'Few-shot episodes ask for more classes (ways) than the data has.',
  check({ spec, document, data }) {
    const fewShot = spec.eval.fewShot;
    if (fewShot === null || data.classes === undefined || fewShot.ways <= data.classes) return [];
    return [{
      path: ['eval', 'fewShot', 'ways'],
      message: `eval.fewShot draws ${fewShot.ways}-way episodes, but the data has only ${plural(data.classes, 'class', 'classes')}, so no episode can be drawn. Use ways ≤ ${data.classes} (5 is the usual figure).`,
      fixes: data.classes >= 2 ? fix(`Set ways to ${data.classes}`, setField(document, ['eval', 'fewShot', 'ways'], data.classes)) : [],
    }];
  },
};
