// The training loop: epochs of steps, and after each step, each epoch and the run, the hooks in
// their order (finite guard, progress, evaluation, checkpoint, stop, embeddings, …). A hook that
// answers 'stop' ends the run as stopped; one that throws fails it. Adding a hook does not touch
// the loop.
import type { EvalMetric, LearningHealth, RunRecord } from '../runs/format';
import type { LoopPosition } from './checkpoint';
import type { EvaluatedEmbeddings } from './embed';
import type { NonFiniteFault } from './finiteGuard';
import type { TrainingParts } from './parts';

export type Phase = 'setup' | 'training' | 'evaluation' | 'checkpoint' | 'embeddings';

/** What the session, the loop and the hooks share and update. */
export interface RunState {
  record: RunRecord;
  /** Where training stands (what a checkpoint saves); before training, where it would resume. */
  position: LoopPosition;
  /** What the run is doing, for the `where` of a failure. */
  phase: Phase;
  lastEval: EvalMetric | null;
  learning: LearningHealth | null;
  /** The final evaluation's vectors (absent before it): the final embeddings reuse them. */
  lastEmbedded?: EvaluatedEmbeddings;
}

/** Training seconds: those before this process (from a checkpoint) plus this segment's. */
export interface TrainingClock {
  elapsed(): number;
  /** Seconds since this process began training. */
  segmentSeconds(): number;
}

export function startClock(secondsBefore: number): TrainingClock {
  const start = Date.now();
  const segmentSeconds = (): number => (Date.now() - start) / 1000;
  return { elapsed: () => secondsBefore + segmentSeconds(), segmentSeconds };
}

export interface StepEnd {
  readonly step: number;
  readonly epoch: number;
  /** 1-based index of the step within its epoch. */
  readonly stepInEpoch: number;
  readonly loss: number;
  readonly lr: number;
  /** The first non-finite input, loss, gradient or weight of the step, or null. */
  readonly fault: NonFiniteFault | null;
  /** Wall-clock seconds the step took. */
  readonly seconds: number;
}

export interface EpochEnd {
  readonly epoch: number;
}

/** 'stop' ends the run as stopped (later hooks of the same event do not run). */
export type HookResult = void | 'stop' | Promise<void | 'stop'>;

export interface TrainingHook {
  onStepEnd?(end: StepEnd): HookResult;
  onEpochEnd?(end: EpochEnd): HookResult;
  /** After the last epoch. */
  onRunEnd?(): HookResult;
}

export class Trainer {
  constructor(
    private readonly parts: Pick<TrainingParts, 'batches' | 'trainStep'>,
    private readonly epochs: number,
    private readonly hooks: readonly TrainingHook[],
  ) {}

  /** Trains from `run.position` to the end; 'stopped' when a hook asked to stop. */
  async run(run: RunState): Promise<'completed' | 'stopped'> {
    const { batches } = this.parts;
    const totalSteps = this.epochs * batches.stepsPerEpoch;
    while (run.position.epoch <= this.epochs) {
      const epoch = run.position.epoch;
      const plan = batches.plan(epoch);
      for (let b = run.position.batchInEpoch; b < batches.stepsPerEpoch; b++) {
        run.phase = 'training';
        const started = Date.now();
        const step = run.position.step + 1;
        // The following batch, so that it can be made while this step trains.
        const next = b + 1 < batches.stepsPerEpoch ? plan[b + 1] : epoch < this.epochs ? batches.plan(epoch + 1)[0] : undefined;
        const { loss, lr, fault } = await this.parts.trainStep(plan[b]!, step, totalSteps, next);
        run.position = { ...run.position, step, batchInEpoch: b + 1 };
        const end: StepEnd = { step, epoch, stepInEpoch: b + 1, loss, lr, fault, seconds: Math.max(1e-6, (Date.now() - started) / 1000) };
        if ((await this.notify((h) => h.onStepEnd?.(end))) === 'stop') return 'stopped';
      }
      run.position = { ...run.position, epoch: epoch + 1, batchInEpoch: 0 };
      if ((await this.notify((h) => h.onEpochEnd?.({ epoch }))) === 'stop') return 'stopped';
    }
    return (await this.notify((h) => h.onRunEnd?.())) === 'stop' ? 'stopped' : 'completed';
  }

  private async notify(call: (hook: TrainingHook) => HookResult): Promise<void | 'stop'> {
    for (const hook of this.hooks) if ((await call(hook)) === 'stop') return 'stop';
  }
}
