// The learning problem a run shows, in a few words for `list` and the Runs view: collapsed
// outputs, chance-level kNN (from the latest evaluation, in run.json) or a non-finite value that
// stopped it. Null for a run that learned normally, or has not been evaluated yet.
import type { RunError, RunErrorKind, RunRecord } from './format';

export interface LearningProblem {
  /** A few words: "collapsed at epoch 3", "chance-level kNN at epoch 2", "NaN at step 8 (epoch 1)". */
  readonly label: string;
  /** The same words without brackets, to stand inside brackets: "NaN at step 8, epoch 1". */
  readonly inlineLabel: string;
  /** The full sentence, for tooltips and detail lines. */
  readonly message: string;
}

// Runs written before run.json's error had a kind say it only in the message and `where`.
const LEGACY_NON_FINITE = /became (NaN|Infinity|-Infinity)|contain NaN or Inf/;
const LEGACY_VALUE = /became (NaN|Infinity|-Infinity)/;
const LEGACY_STEP = /^step (\d+) \(epoch (\d+)\)$/;

/** The kind of a recorded error; for a run.json written before kinds existed, read from its message. */
export function runErrorKind(error: RunError): RunErrorKind {
  if (error.kind !== undefined) return error.kind;
  return LEGACY_NON_FINITE.test(error.message) ? 'nonFinite' : 'other';
}

function nonFiniteProblem(error: RunError): LearningProblem {
  const value = error.value ?? LEGACY_VALUE.exec(error.message)?.[1] ?? 'NaN';
  const legacy = LEGACY_STEP.exec(error.where);
  const step = error.step ?? (legacy ? Number(legacy[1]) : undefined);
  const epoch = error.epoch ?? (legacy ? Number(legacy[2]) : undefined);
  if (step === undefined) return { label: `${value} at ${error.where}`, inlineLabel: `${value} at ${error.where}`, message: error.message };
  const at = `${value} at step ${step}`;
  return { label: epoch === undefined ? at : `${at} (epoch ${epoch})`, inlineLabel: epoch === undefined ? at : `${at}, epoch ${epoch}`, message: error.message };
}

export function learningProblem(record: RunRecord): LearningProblem | null {
  if (record.status === 'failed' && record.error && runErrorKind(record.error) === 'nonFinite') return nonFiniteProblem(record.error);
  const learning = record.learning;
  if (learning === undefined || learning === null || learning.state === 'healthy') return null;
  const label = learning.state === 'collapsed' ? `collapsed at epoch ${learning.epoch}` : `chance-level kNN at epoch ${learning.epoch}`;
  return { label, inlineLabel: label, message: learning.message };
}
