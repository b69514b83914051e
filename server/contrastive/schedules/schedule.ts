// Learning-rate schedules as pure functions of the step: lr(step, totalSteps, stepsPerEpoch).
// `step` counts from 0. Every schedule may start with a linear warm-up over warmupEpochs epochs
// from lr/warmupSteps (never 0, so the first step moves) to the base rate; then
//   constant: the base rate;   warmup: the base rate (a constant schedule whose warm-up is on by
//   default);   cosine: base → minLearningRate along a half cosine over the remaining steps
//   (reaching the minimum at totalSteps, one step after the last).
import { typesOf } from '../declare';
import { SCHEDULES, type ScheduleOptions, type ScheduleType } from './declarations';

export type LearningRateSchedule = (step: number, totalSteps: number, stepsPerEpoch: number) => number;

export const SCHEDULE_TYPES: readonly ScheduleType[] = typesOf(SCHEDULES);

export function createSchedule(spec: ScheduleOptions, baseLearningRate: number): LearningRateSchedule {
  return (step, totalSteps, stepsPerEpoch) => {
    if (!Number.isInteger(step) || step < 0) throw new Error(`Learning-rate schedule asked for step ${step}; steps are integers from 0.`);
    if (!(totalSteps >= 1) || !(stepsPerEpoch >= 1)) throw new Error(`Learning-rate schedule needs totalSteps ≥ 1 and stepsPerEpoch ≥ 1 (got ${totalSteps} and ${stepsPerEpoch}).`);
    const warmupSteps = Math.min(spec.warmupEpochs * stepsPerEpoch, totalSteps);
    if (step < warmupSteps) return (baseLearningRate * (step + 1)) / warmupSteps;
    switch (spec.type) {
      case 'constant':
      case 'warmup':
        return baseLearningRate;
      case 'cosine': {
        const decaySteps = totalSteps - warmupSteps;
        // As PyTorch's CosineAnnealingLR with T_max = decaySteps: the first decay step uses the base rate.
        const progress = Math.min(1, (step - warmupSteps) / Math.max(1, decaySteps));
        return spec.minLearningRate + 0.5 * (baseLearningRate - spec.minLearningRate) * (1 + Math.cos(Math.PI * progress));
      }
    }
  };
}
