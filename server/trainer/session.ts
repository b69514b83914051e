// A training session: the whole life of one run process — choose the backend, load the data,
// build the parts, (resume from a checkpoint), hand the loop to the Trainer with its hooks (finite
// guard, progress, timeline, evaluation, checkpoint, stop, embeddings), and record the outcome in run.json. Every failure ends as a `failed` run
// whose error says what went wrong and where; a stop request ends as `stopped`.
import { hostname } from 'node:os';
import { initBackend, type BackendRequest, tf } from '../contrastive/backend';
import { withLabelFraction } from '../contrastive/data/labelFraction';
import { loadData } from '../contrastive/data/load';
import type { SplitDataset } from '../contrastive/data/types';
import type { EvalMetric, RunError, RunRecord } from '../runs/format';
import { readRunRecord, updateRunRecord } from '../runs/record';
import { initRunDir } from '../spec/initSource';
import type { ResolvedSpec } from '../spec/types';
import { checkpointName, type LoopPosition } from './checkpoint';
import { fewShotShortfalls } from './evaluate';
import { CheckpointHook } from './hooks/checkpoint';
import type { RunContext } from './hooks/context';
import { embeddingsHook } from './hooks/embeddings';
import { evaluationHook } from './hooks/evaluation';
import { finiteGuardHook } from './hooks/finite-guard';
import { progressHook } from './hooks/progress';
import { stopHook } from './hooks/stop';
import { timelineHook } from './hooks/timeline';
import { resumeFromCheckpoint } from './resumeFrom';
import { trainTowers } from './towers/towerSession';
import { majorityRate } from './learningHealth';
import { buildTrainingParts, type TrainingParts } from './parts';
import { recordFailure, removeRunTempFiles, StopRequested } from './recovery';
import { Reporter, type OutputMode } from './reporter';
import type { StopSignal } from './stop';
import { Trainer, startClock, type Phase, type RunState, type TrainingHook } from './trainer';
import { runErrorOf } from './trainingError';
import { plural } from '../shared/plural';

export interface SessionOptions {
  readonly runDir: string;
  readonly spec: ResolvedSpec;
  readonly specDir: string;
  readonly mode: OutputMode;
  readonly resume: boolean;
  readonly backend: BackendRequest;
  /** Kernel threads for the wasm backend; 0 = every core. */
  readonly threads: number;
  readonly stop: StopSignal;
  /** Where decoded image folders are cached; null disables the cache. */
  readonly cacheDir: string | null;
  /** Compute the UMAP projection with the final embeddings (slow on large sets). */
  readonly umap: boolean;
  /** Called after every step (after its metric line is written), e.g. to request a stop. */
  readonly onStep?: (step: number) => void;
}

export interface SessionOutcome {
  readonly status: 'completed' | 'stopped' | 'failed';
  readonly runDir: string;
  readonly record: RunRecord;
  readonly lastEval: EvalMetric | null;
}

function describeError(e: unknown, phase: Phase, position: LoopPosition): RunError {
  if (phase === 'setup') return runErrorOf(e, { where: 'setup' });
  if (phase === 'training') return runErrorOf(e, { where: `step ${position.step + 1} (epoch ${position.epoch})`, step: position.step + 1, epoch: position.epoch });
  return runErrorOf(e, { where: `${phase} after step ${position.step}` });
}

export async function runSession(options: SessionOptions): Promise<SessionOutcome> {
  const { runDir, spec, stop } = options;
  const initial = readRunRecord(runDir);
  const reporter = new Reporter(runDir, initial.id, options.mode);
  const epochs = initial.epochs;
  // Until training begins, the position is where the run stands on disk (what a stop records).
  const run: RunState = {
    record: initial,
    position: { step: initial.step, epoch: initial.epoch + 1, batchInEpoch: 0, elapsedSec: 0, bestKnnAccuracy: initial.bestKnnAccuracy },
    phase: 'setup',
    lastEval: null,
    learning: null,
  };
  let parts: TrainingParts | null = null;
  try {
    // Temp files a failed or killed writer left behind go before anything else is written.
    const leftovers = removeRunTempFiles(runDir);
    run.record = updateRunRecord(runDir, { status: 'running', pid: process.pid, hostname: hostname(), error: null, endedAt: null, startedAt: initial.startedAt ?? new Date().toISOString() });
    // A dense network leaves XNNPACK's pool at one thread (see BackendOptions.convolutional).
    // Runs recorded before two towers existed have no architecture.towers in their spec.json.
    const towers = spec.architecture.towers ?? null;
    const backbones = towers !== null ? [towers.a, towers.b].filter((t) => t.type === 'network').map((t) => t.backbone) : [spec.architecture.backbone];
    const backend = await initBackend(options.backend, { threads: options.threads, convolutional: backbones.some((b) => b.type !== 'mlp') });
    run.record = updateRunRecord(runDir, { backend: backend.name });
    reporter.event('info', 'backend', `backend: ${backend.name}, ${plural(backend.threads, 'thread')} (${backend.reason})`, { data: { backend: backend.name, reason: backend.reason, threads: backend.threads } });
    if (leftovers.length > 0) reporter.event('warning', 'recovered', `removed ${plural(leftovers.length, 'temporary file')} left by an earlier failed write: ${leftovers.join(', ')}`, { data: { removed: leftovers } });

    // Two towers on paired data: their own data, parts and evaluation, the same loop, hooks and run directory.
    if (towers !== null) return finish(await trainTowers({ runDir, spec, specDir: options.specDir, resume: options.resume, stop, run, reporter, epochs, onStep: options.onStep, umap: options.umap }));

    // A stop during the load (seconds for builtin:digits) ends it between files: nothing to checkpoint yet.
    const stopBeforeTraining = (): SessionOutcome => {
      reporter.event('info', 'stopping', `stop requested (${stop.reason}) before training began`, { step: run.record.step });
      return finish('stopped');
    };
    let data: SplitDataset;
    try {
      data = await loadData(spec.data, { specDir: options.specDir, cacheDir: options.cacheDir, cooperation: { shouldStop: () => stop.requested, onStop: () => new StopRequested() } });
    } catch (e) {
      if (e instanceof StopRequested) return stopBeforeTraining();
      throw e;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (stop.requested) return stopBeforeTraining();
    const whole = data;
    data = withLabelFraction(data, spec.data.labelFraction, spec.data.split.seed);
    const { dataset } = data;
    reporter.event('info', 'data', `data: ${dataset.source}, ${dataset.count} ${dataset.kind} of shape [${dataset.sampleShape.join('×')}], ${data.train.length} train${data.train.length < whole.train.length ? ` (data.labelFraction ${spec.data.labelFraction} of ${whole.train.length})` : ''} / ${data.test.length} held out${dataset.classNames ? `, ${plural(dataset.classNames.length, 'class', 'classes')}` : ', unlabelled'}`, {
      data: { source: dataset.source, count: dataset.count, train: data.train.length, test: data.test.length, classes: dataset.classNames?.length ?? null },
    });

    if (data.skipped !== undefined && data.skipped.length > 0) {
      const shown = data.skipped.slice(0, 5).join(', ') + (data.skipped.length > 5 ? ', …' : '');
      reporter.event('warning', 'log', `${spec.data.source}: skipped ${plural(data.skipped.length, 'file')} that ${data.skipped.length === 1 ? 'is' : 'are'} not ${data.skipped.length === 1 ? 'an image' : 'images'} (${shown})`, { data: { skipped: data.skipped } });
    }

    // A new run starts from init.from's weights; a resumed one has them in its checkpoint already.
    const initFrom = spec.init !== null && !options.resume ? initRunDir(spec.init.from, options.specDir) : null;
    const built = buildTrainingParts(spec, data, initFrom);
    if (initFrom !== null && spec.init !== null) reporter.event('info', 'log', `init: ${spec.init.parts.join(' and ')} from ${initFrom}${spec.init.freeze ? ' (frozen)' : ''}`, { data: { initFrom, parts: [...spec.init.parts], freeze: spec.init.freeze } });
    parts = built;
    for (const warning of built.warnings) reporter.event('warning', 'log', warning);
    const stepsPerEpoch = built.batches.stepsPerEpoch;
    const testLabels = dataset.labels !== null && data.test.length > 0 ? Array.from(data.test, (i) => dataset.labels![i]!) : null;
    const chance = testLabels !== null ? majorityRate(testLabels) : null;
    for (const shortfall of fewShotShortfalls(spec, testLabels === null ? null : Int32Array.from(testLabels))) reporter.event('warning', 'log', `${shortfall}; that figure is left out of the evaluations`);
    run.position = { step: 0, epoch: 1, batchInEpoch: 0, elapsedSec: 0, bestKnnAccuracy: null };
    if (options.resume) resumeFromCheckpoint(runDir, run, reporter, (checkpoint) => built.restore(checkpoint));
    else reporter.event('info', 'started', `training ${spec.experiment}: ${plural(epochs, 'epoch')} × ${plural(stepsPerEpoch, 'step')}, batch ${spec.strategy.batchSize}, seed ${spec.strategy.seed}`, { data: { epochs, stepsPerEpoch } });
    run.record = updateRunRecord(runDir, { stepsPerEpoch, step: run.position.step, epoch: run.position.epoch - 1, ...(options.resume ? { lastCheckpoint: run.position.step > 0 ? `checkpoints/${checkpointName(run.position.step)}` : null } : {}) });
    // Building the parts and restoring the checkpoint are synchronous: let a signal handler run first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (stop.requested) {
      reporter.event('info', 'stopping', `stop requested (${stop.reason}) before training began`, { step: run.position.step });
      return finish('stopped');
    }

    const clock = startClock(run.position.elapsedSec);
    const context: RunContext = { runDir, parts: built, data, spec, run, reporter, epochs };
    const checkpoints = new CheckpointHook({ runDir, parts: built, run, reporter, clock, stop, epochs, every: spec.run.checkpointEvery });
    // In this order after each step, epoch and the run: a fault fails the step before its metric
    // line; an epoch is evaluated before its checkpoint, and checkpointed before a stop ends it.
    const hooks: TrainingHook[] = [
      finiteGuardHook(reporter, () => built.nanHint()),
      progressHook({ reporter, run, clock, batchSize: spec.strategy.batchSize, epochs, stepsPerEpoch, onStep: options.onStep }),
      timelineHook(context),
      evaluationHook({ ...context, clock, checkpoints, chance }),
      checkpoints,
      stopHook({ stop, reporter, run, checkpoints, epochs, stepsPerEpoch }),
      embeddingsHook({ ...context, stop, umap: options.umap }),
    ];
    return finish(await new Trainer(built, epochs, hooks).run(run));
  } catch (e) {
    const error = describeError(e, run.phase, run.position);
    run.record = recordFailure(runDir, { status: 'failed', error, pid: null, endedAt: new Date().toISOString() }) ?? { ...run.record, status: 'failed', error, pid: null };
    // A message that starts with its place (a data file's path and line) is not prefixed with it again.
    const failedLine = error.message.startsWith(`${error.where}:`) ? `run failed: ${error.message}` : `run failed at ${error.where}: ${error.message}`;
    try {
      reporter.event('error', 'failed', failedLine, { data: { where: error.where } });
    } catch {
      // events.jsonl cannot be written either (disk full): the terminal still gets the line.
      reporter.sayError(failedLine);
    }
    return { status: 'failed', runDir, record: run.record, lastEval: run.lastEval };
  } finally {
    parts?.dispose();
  }

  function finish(status: 'completed' | 'stopped'): SessionOutcome {
    const { position, learning, lastEval } = run;
    run.record = updateRunRecord(runDir, { status, pid: null, endedAt: new Date().toISOString(), step: position.step, bestKnnAccuracy: position.bestKnnAccuracy });
    const accuracy = lastEval?.knnAccuracy;
    // A completed run that learned nothing ends with a warning, never a plain "completed".
    const learnedNothing = status === 'completed' && learning !== null && learning.state !== 'healthy';
    const zeroShot = lastEval?.zeroShotAccuracy;
    const figure = accuracy != null ? `: kNN accuracy ${(accuracy * 100).toFixed(2)}%` : zeroShot != null ? `: zero-shot accuracy ${(zeroShot * 100).toFixed(2)}%` : '';
    const chanceOf = zeroShot != null ? 'chance-level zero-shot' : 'chance-level kNN';
    const completed = `run completed${figure}${learnedNothing ? `, but it learned nothing useful (${learning.state === 'collapsed' ? 'collapsed' : chanceOf} at epoch ${learning.epoch})` : ''}`;
    reporter.event(learnedNothing ? 'warning' : 'info', status, status === 'completed' ? completed : `run stopped at step ${position.step}; continue with: contrastive-lab resume ${runDir}`, { step: position.step, data: { runDir, ...(learning !== null ? { learning: learning.state } : {}) } });
    return { status, runDir, record: run.record, lastEval };
  }
}

/** Live tensors, for leak checks in tests. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
