// Evaluation every eval.every epochs and after the last: the metric line, the best kNN accuracy
// so far, and the learning verdict in run.json. A collapsed representation is warned about, or —
// with strategy.onCollapse: stop — checkpointed and failed; chance-level kNN is warned about.
import { updateRunRecord } from '../../runs/record';
import { evaluate } from '../evaluate';
import { judgeEvaluation } from '../learningHealth';
import type { TrainingClock, TrainingHook } from '../trainer';
import { TrainingError } from '../trainingError';
import type { CheckpointHook } from './checkpoint';
import type { RunContext } from './context';
import { round } from './rounding';

export interface EvaluationParts extends RunContext {
  readonly clock: TrainingClock;
  readonly checkpoints: CheckpointHook;
  /** The majority-class rate of the held-out labels (chance level), or null without labels. */
  readonly chance: number | null;
}

export function evaluationHook(p: EvaluationParts): TrainingHook {
  const { run, reporter, spec } = p;
  return {
    async onEpochEnd({ epoch }) {
      if (epoch % spec.eval.every !== 0 && epoch !== p.epochs) return;
      run.phase = 'evaluation';
      const evaluation = await evaluate(p.parts, p.data, spec, { step: run.position.step, epoch, time: round(p.clock.elapsed(), 3), final: epoch === p.epochs });
      // Judged before it is written: non-finite embeddings fail the run instead of printing NaN figures.
      const health = judgeEvaluation(evaluation.metric, evaluation.collapse, p.chance);
      const metric = evaluation.metric;
      run.lastEval = metric;
      // Kept only from the last evaluation to the final embeddings, which reuse them.
      run.lastEmbedded = epoch === p.epochs ? evaluation.embedded : undefined;
      reporter.metric(metric);
      if (metric.knnAccuracy !== null && (run.position.bestKnnAccuracy === null || metric.knnAccuracy > run.position.bestKnnAccuracy)) {
        run.position = { ...run.position, bestKnnAccuracy: metric.knnAccuracy };
      }
      run.learning = health;
      run.record = updateRunRecord(p.runDir, { learning: health });
      if (health.state === 'collapsed') {
        reporter.event('warning', 'collapse', health.message, { step: run.position.step, epoch, data: { std: evaluation.collapse.std, healthy: evaluation.collapse.healthyStd, onCollapse: spec.strategy.onCollapse } });
        if (spec.strategy.onCollapse === 'stop') {
          // The collapsed weights are finite: keep them (to inspect, or to resume with onCollapse:
          // warn), so that the run records this epoch and "the last checkpoint is kept" holds.
          p.checkpoints.save(`collapse at epoch ${epoch}`);
          throw new TrainingError(`the representation collapsed at epoch ${epoch} and strategy.onCollapse is "stop": ${evaluation.collapse.message} The last checkpoint is kept; set strategy.onCollapse: warn to train on.`, `evaluation after epoch ${epoch}`, { kind: 'collapsed', epoch });
        }
      } else if (health.state === 'chance') {
        reporter.event('warning', 'chance', health.message, { step: run.position.step, epoch, data: { knnAccuracy: metric.knnAccuracy, chance: p.chance } });
      }
    },
  };
}
