// The learning problem a run shows, in a few words for `list` and the Runs view: collapsed
// outputs, chance-level kNN (from the latest evaluation, in run.json) or a non-finite value that
// stopped it. Null for a run that learned normally, or has not been evaluated yet.
import type { RunRecord } from './format';

export interface LearningProblem {
  /** A few words: "collapsed at epoch 3", "chance-level kNN at epoch 2", "NaN at step 8 (epoch 1)". */
  readonly label: string;
  /** The full sentence, for tooltips and detail lines. */
  readonly message: string;
}

const NON_FINITE = /became (NaN|Infinity|-Infinity)|contain NaN or Inf/;

export function learningProblem(record: RunRecord): LearningProblem | null {
  if (record.status === 'failed' && record.error && NON_FINITE.test(record.error.message)) {
    const value = /became (NaN|Infinity|-Infinity)/.exec(record.error.message)?.[1] ?? 'NaN';
    return { label: `${value} at ${record.error.where}`, message: record.error.message };
  }
  const learning = record.learning;
  if (learning === undefined || learning === null || learning.state === 'healthy') return null;
  return { label: learning.state === 'collapsed' ? `collapsed at epoch ${learning.epoch}` : `chance-level kNN at epoch ${learning.epoch}`, message: learning.message };
}
