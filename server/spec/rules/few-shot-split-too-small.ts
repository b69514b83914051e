import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const fewShotSplitTooSmall: SpecRule = {
  id: 'few-shot-split-too-small',
  severity: 'warning',
  description: 'The held-out split has too few samples per class for the few-shot episodes (shots + queries of each class).',
  check({ spec, document, data }) {
    const fewShot = spec.eval.fewShot;
    if (fewShot === null || data.size === undefined || data.trainSize === undefined || data.classes === undefined || data.classes === 0) return [];
    const perClass = Math.floor((data.size - data.trainSize) / data.classes);
    const needed = Math.max(...fewShot.shots) + fewShot.queries;
    if (perClass >= needed) return [];
    const queries = perClass - Math.max(...fewShot.shots);
    return [{
      path: ['eval', 'fewShot', 'queries'],
      message: `A ${Math.max(...fewShot.shots)}-shot episode with ${fewShot.queries} queries needs ${needed} held-out samples of each class, but the held-out split has about ${perClass} per class (${data.size - data.trainSize} samples, ${data.classes} classes): the shot counts that need more are left out of the evaluation. Lower eval.fewShot.queries or the shots, or hold out more samples (data.split.testFraction).`,
      fixes: queries >= 1 ? fix(`Set queries to ${queries}`, setField(document, ['eval', 'fewShot', 'queries'], queries)) : [],
    }];
  },
};
