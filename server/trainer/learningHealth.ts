// Whether an evaluation shows a run that learned something. A run whose embeddings collapsed, or
// whose kNN accuracy is no better than always answering the most common class, must say so: it
// may be `completed`, but never silently.
import type { CollapseReport } from '../contrastive/eval/collapse';
import type { EvalMetric, LearningHealth } from '../runs/format';
import { TrainingError } from './trainingError';

/** Points of accuracy above the majority-class rate below which kNN counts as chance level. */
const CHANCE_MARGIN = 0.05;

/** The accuracy of always predicting the most common class of `labels` (0 for no labels). */
export function majorityRate(labels: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  let best = 0;
  for (let i = 0; i < labels.length; i++) {
    const c = (counts.get(labels[i]!) ?? 0) + 1;
    counts.set(labels[i]!, c);
    best = Math.max(best, c);
  }
  return labels.length === 0 ? 0 : best / labels.length;
}

/**
 * The verdict of one evaluation: collapsed, chance level or healthy. Non-finite embeddings are not a
 * verdict but a failure: a TrainingError naming the epoch (a "collapse std NaN" must never be reported).
 */
export function judgeEvaluation(metric: EvalMetric, collapse: CollapseReport, chance: number | null): LearningHealth {
  const epoch = metric.epoch;
  const where = `evaluation after epoch ${epoch}`;
  if (!Number.isFinite(collapse.std) || (metric.knnAccuracy !== null && !Number.isFinite(metric.knnAccuracy))) {
    throw new TrainingError(`the embeddings contain NaN or Inf at the ${where} although every training step was finite; the evaluation pass (batch-norm moving statistics) overflowed. Lower strategy.optimizer.learningRate or set strategy.gradientClipNorm.`, where, { kind: 'nonFinite', epoch, value: 'NaN' });
  }
  if (collapse.verdict === 'collapsed') return { state: 'collapsed', epoch, message: `epoch ${epoch}: ${collapse.message}` };
  if (metric.knnAccuracy !== null && chance !== null && metric.knnAccuracy < chance + CHANCE_MARGIN) {
    const percent = (v: number): string => `${(v * 100).toFixed(2)}%`;
    return {
      state: 'chance',
      epoch,
      message: `epoch ${epoch}: kNN accuracy ${percent(metric.knnAccuracy)} is at chance level (always answering the most common class scores ${percent(chance)}): the representation has learned nothing useful yet. Check the loss and augmentations, or train longer.`,
    };
  }
  return { state: 'healthy', epoch, message: `epoch ${epoch}: ${collapse.message}` };
}
