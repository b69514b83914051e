import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const evalEveryExceedsEpochs: SpecRule = {
  id: 'eval-every-exceeds-epochs',
  severity: 'info',
  description: '`eval.every` is longer than training: evaluation only happens once, at the end.',
  check({ spec, document }) {
    if (spec.eval.every <= spec.strategy.epochs) return [];
    return [{
      path: ['eval', 'every'],
      message: `Evaluation every ${spec.eval.every} epochs never triggers in a ${spec.strategy.epochs}-epoch run; it only happens after the last epoch, so the dashboard shows no accuracy curve. Use \`every: 1\` to watch the embedding improve.`,
      fixes: fix('Evaluate every epoch', setField(document, ['eval', 'every'], 1)),
    }];
  },
};
