// Evaluation of a two-tower run every eval.every epochs and after the last: the metric line
// (cross-modal recall@k both ways, zero-shot accuracy, collapse), and the learning verdict in
// run.json. Collapsed towers and zero-shot accuracy at chance level are loud, as kNN's are in a
// one-tower run: a warning event, and the run ends "but it learned nothing useful".
import { updateRunRecord } from '../../runs/record';
import type { LearningHealth } from '../../runs/format';
import type { ResolvedSpec } from '../../spec/types';
import type { CheckpointHook } from '../hooks/checkpoint';
import { round } from '../hooks/rounding';
import { judgeEvaluation } from '../learningHealth';
import type { Reporter } from '../reporter';
import type { RunState, TrainingClock, TrainingHook } from '../trainer';
import { TrainingError } from '../trainingError';
import type { PairedSplit } from './pairedSplit';
import { evaluateTowers } from './towerEvaluation';
import type { TowerParts } from './towerParts';

/** Points of zero-shot accuracy above the majority-class rate below which it counts as chance level. */
const CHANCE_MARGIN = 0.05;

export interface TowerEvaluationParts {
  readonly runDir: string;
  readonly parts: TowerParts;
  readonly data: PairedSplit;
  readonly spec: ResolvedSpec;
  readonly run: RunState;
  readonly reporter: Reporter;
  readonly epochs: number;
  readonly clock: TrainingClock;
  readonly checkpoints: CheckpointHook;
  /** The majority-class rate of the held-out pairs' labels (chance level), or null without labels. */
  readonly chance: number | null;
}

const percent = (v: number): string => `${(v * 100).toFixed(2)}%`;

export function towerEvaluationHook(p: TowerEvaluationParts): TrainingHook {
  const { run, reporter, spec } = p;
  return {
    onEpochEnd({ epoch }) {
      if (epoch % spec.eval.every !== 0 && epoch !== p.epochs) return;
      run.phase = 'evaluation';
      const { metric, collapse } = evaluateTowers(p.parts, p.data, spec, { step: run.position.step, epoch, time: round(p.clock.elapsed(), 3) });
      // Non-finite embeddings fail the run here (judgeEvaluation), before any figure is written.
      let health: LearningHealth = judgeEvaluation(metric, collapse, null);
      const zeroShot = metric.zeroShotAccuracy ?? null;
      if (health.state === 'healthy' && zeroShot !== null && p.chance !== null && zeroShot < p.chance + CHANCE_MARGIN) {
        health = { state: 'chance', epoch, message: `epoch ${epoch}: zero-shot accuracy ${percent(zeroShot)} is at chance level (always answering the most common class scores ${percent(p.chance)}): the towers have not learned to match the sides yet. Check the loss and its temperature, the learning rate, or train longer.` };
      }
      run.lastEval = metric;
      reporter.metric(metric);
      run.learning = health;
      run.record = updateRunRecord(p.runDir, { learning: health });
      if (health.state === 'collapsed') {
        reporter.event('warning', 'collapse', health.message, { step: run.position.step, epoch, data: { std: collapse.std, healthy: collapse.healthyStd, onCollapse: spec.strategy.onCollapse } });
        if (spec.strategy.onCollapse === 'stop') {
          p.checkpoints.save(`collapse at epoch ${epoch}`);
          throw new TrainingError(`the towers' embeddings collapsed at epoch ${epoch} and strategy.onCollapse is "stop": ${collapse.message} The last checkpoint is kept; set strategy.onCollapse: warn to train on.`, `evaluation after epoch ${epoch}`, { kind: 'collapsed', epoch });
        }
      } else if (health.state === 'chance') {
        reporter.event('warning', 'chance', health.message, { step: run.position.step, epoch, data: { zeroShotAccuracy: zeroShot, chance: p.chance } });
      }
    },
  };
}
