// A metric line and a progress update after every step, the caller's per-step callback, and an
// event at the end of every epoch.
import type { Reporter } from '../reporter';
import type { RunState, TrainingClock, TrainingHook } from '../trainer';
import { round } from './rounding';

export interface ProgressParts {
  readonly reporter: Reporter;
  readonly run: RunState;
  readonly clock: TrainingClock;
  readonly batchSize: number;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** Called after every step's metric line, e.g. to request a stop. */
  readonly onStep: ((step: number) => void) | undefined;
}

export function progressHook(p: ProgressParts): TrainingHook {
  const totalSteps = p.epochs * p.stepsPerEpoch;
  let stepsThisSegment = 0;
  return {
    onStepEnd({ step, epoch, stepInEpoch, loss, lr, seconds }) {
      stepsThisSegment++;
      const samplesPerSec = p.batchSize / seconds;
      p.reporter.metric({ kind: 'step', step, epoch, time: round(p.clock.elapsed(), 3), loss, lr, samplesPerSec: round(samplesPerSec, 1) });
      const perStep = p.clock.segmentSeconds() / stepsThisSegment;
      p.reporter.progress({ epoch, epochs: p.epochs, stepInEpoch, stepsPerEpoch: p.stepsPerEpoch, loss, samplesPerSec, etaSec: perStep * (totalSteps - step) });
      p.onStep?.(step);
    },
    onEpochEnd({ epoch }) {
      p.reporter.event('info', 'epoch', `epoch ${epoch}/${p.epochs} done`, { step: p.run.position.step, epoch });
    },
  };
}
