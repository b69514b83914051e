// Stop requests (SIGTERM / SIGINT): after each step the event loop gets a turn so the signal handler
// can run; a stop mid-epoch saves a checkpoint and ends the run there, a stop at an epoch's end
// ends it after that epoch's checkpoint (the checkpoint hook saves it). After the last epoch the
// stop is left to the run's end (writing the embeddings checks it).
import type { StopSignal } from '../stop';
import type { Reporter } from '../reporter';
import type { RunState, TrainingHook } from '../trainer';
import type { CheckpointHook } from './checkpoint';

export interface StopParts {
  readonly stop: StopSignal;
  readonly reporter: Reporter;
  readonly run: RunState;
  readonly checkpoints: CheckpointHook;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
}

export function stopHook(p: StopParts): TrainingHook {
  return {
    async onStepEnd({ step, epoch, stepInEpoch }) {
      // The step's tensor work is synchronous: yield to the event loop so a SIGTERM/SIGINT handler can run.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!p.stop.requested || stepInEpoch >= p.stepsPerEpoch) return;
      p.reporter.event('info', 'stopping', `stop requested (${p.stop.reason}): finishing at step ${step}`, { step, epoch });
      p.checkpoints.save('stop');
      return 'stop';
    },
    onEpochEnd({ epoch }) {
      if (!p.stop.requested || epoch >= p.epochs) return;
      p.reporter.event('info', 'stopping', `stop requested (${p.stop.reason}): stopped after epoch ${epoch}`, { step: p.run.position.step, epoch });
      return 'stop';
    },
  };
}
