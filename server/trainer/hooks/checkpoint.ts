// Checkpoints: every run.checkpointEvery epochs, after the last epoch and when a stop is requested
// (the model, optimiser, EMA target, loss parameters and queue, with the loop position); other
// hooks save one through `save` (a stop mid-epoch, a collapse that ends the run).
import { updateRunRecord } from '../../runs/record';
import { saveCheckpoint, type LoopPosition } from '../checkpoint';
import type { TrainingParts } from '../parts';
import type { Reporter } from '../reporter';
import type { StopSignal } from '../stop';
import type { EpochEnd, RunState, TrainingClock, TrainingHook } from '../trainer';

export interface CheckpointParts {
  readonly runDir: string;
  readonly parts: Pick<TrainingParts, 'checkpointState'>;
  readonly run: RunState;
  readonly reporter: Reporter;
  readonly clock: TrainingClock;
  readonly stop: StopSignal;
  readonly epochs: number;
  /** run.checkpointEvery */
  readonly every: number;
}

export class CheckpointHook implements TrainingHook {
  constructor(private readonly p: CheckpointParts) {}

  onEpochEnd({ epoch }: EpochEnd): void {
    const { epochs, every, stop } = this.p;
    if (epoch % every === 0 || epoch === epochs || stop.requested) this.save(epoch === epochs ? 'end' : stop.requested ? 'stop' : `epoch ${epoch}`);
  }

  /** Saves the run where it stands; `why` is said in the event. */
  save(why: string): void {
    const { run, parts, runDir, reporter } = this.p;
    run.phase = 'checkpoint';
    const pos: LoopPosition = { ...run.position, elapsedSec: this.p.clock.elapsed() };
    const state = parts.checkpointState();
    const name = saveCheckpoint(runDir, { formatVersion: 1, position: pos, extra: state.extra }, state.tensors);
    run.record = updateRunRecord(runDir, { lastCheckpoint: name, step: pos.step, epoch: pos.epoch - 1, bestKnnAccuracy: pos.bestKnnAccuracy });
    reporter.event('info', 'checkpoint', `checkpoint saved (${why}): ${name}`, { step: pos.step, epoch: pos.batchInEpoch === 0 ? pos.epoch - 1 : pos.epoch, data: { path: name } });
  }
}
