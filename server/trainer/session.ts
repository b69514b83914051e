// A training session: the whole life of one run process — choose the backend, load the data,
// build the parts, (resume from a checkpoint), loop over epochs and steps, evaluate, checkpoint,
// write embeddings, and record the outcome in run.json. Every failure ends as a `failed` run
// whose error says what went wrong and where; a stop request ends as `stopped`.
import { hostname } from 'node:os';
import { initBackend, type BackendRequest, tf } from '../contrastive/backend';
import { loadData } from '../contrastive/data/load';
import type { SplitDataset } from '../contrastive/data/types';
import type { EvalMetric, LearningHealth, MetricLine, RunError, RunRecord } from '../runs/format';
import { filterJsonLines, readJsonLines } from '../runs/jsonl';
import { runPaths } from '../runs/paths';
import { readRunRecord, updateRunRecord } from '../runs/record';
import type { ResolvedSpec } from '../spec/types';
import { checkpointName, restoreChecked, saveCheckpoint, type LoopPosition } from './checkpoint';
import { writeRunEmbeddings } from './embed';
import { evaluate } from './evaluate';
import { describeFault } from './finiteGuard';
import { judgeEvaluation, majorityRate } from './learningHealth';
import { buildTrainingParts, type TrainingParts } from './parts';
import { findResumePoint, recordFailure, removeRunTempFiles, StopRequested } from './recovery';
import { Reporter, type OutputMode } from './reporter';
import type { StopSignal } from './stop';
import { runErrorOf, TrainingError } from './trainingError';
import { plural } from '../shared/plural';

export interface SessionOptions {
  readonly runDir: string;
  readonly spec: ResolvedSpec;
  readonly specDir: string;
  readonly mode: OutputMode;
  readonly resume: boolean;
  readonly backend: BackendRequest;
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

type Phase = 'setup' | 'training' | 'evaluation' | 'checkpoint' | 'embeddings';

function describeError(e: unknown, phase: Phase, position: LoopPosition | null): RunError {
  if (position === null || phase === 'setup') return runErrorOf(e, { where: 'setup' });
  if (phase === 'training') return runErrorOf(e, { where: `step ${position.step + 1} (epoch ${position.epoch})`, step: position.step + 1, epoch: position.epoch });
  return runErrorOf(e, { where: `${phase} after step ${position.step}` });
}

export async function runSession(options: SessionOptions): Promise<SessionOutcome> {
  const { runDir, spec, stop } = options;
  const paths = runPaths(runDir);
  let record = readRunRecord(runDir);
  const reporter = new Reporter(runDir, record.id, options.mode);
  const epochs = record.epochs;
  let position: LoopPosition | null = null;
  let parts: TrainingParts | null = null;
  let lastEval: EvalMetric | null = null;
  let learning: LearningHealth | null = null;
  let phase: Phase = 'setup';
  try {
    // Temp files a failed or killed writer left behind go before anything else is written.
    const leftovers = removeRunTempFiles(runDir);
    record = updateRunRecord(runDir, { status: 'running', pid: process.pid, hostname: hostname(), error: null, endedAt: null, startedAt: record.startedAt ?? new Date().toISOString() });
    const backend = await initBackend(options.backend);
    record = updateRunRecord(runDir, { backend: backend.name });
    reporter.event('info', 'backend', `backend: ${backend.name} (${backend.reason})`, { data: { backend: backend.name, reason: backend.reason } });
    if (leftovers.length > 0) reporter.event('warning', 'recovered', `removed ${plural(leftovers.length, 'temporary file')} left by an earlier failed write: ${leftovers.join(', ')}`, { data: { removed: leftovers } });

    // A stop during the load (seconds for builtin:digits) ends it between files: nothing to checkpoint yet.
    const stopBeforeTraining = (): SessionOutcome => {
      reporter.event('info', 'stopping', `stop requested (${stop.reason}) before training began`, { step: record.step });
      position ??= { step: record.step, epoch: record.epoch + 1, batchInEpoch: 0, elapsedSec: 0, bestKnnAccuracy: record.bestKnnAccuracy };
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
    const { dataset } = data;
    reporter.event('info', 'data', `data: ${dataset.source}, ${dataset.count} ${dataset.kind} of shape [${dataset.sampleShape.join('×')}], ${data.train.length} train / ${data.test.length} held out${dataset.classNames ? `, ${plural(dataset.classNames.length, 'class', 'classes')}` : ', unlabelled'}`, {
      data: { source: dataset.source, count: dataset.count, train: data.train.length, test: data.test.length, classes: dataset.classNames?.length ?? null },
    });

    if (data.skipped !== undefined && data.skipped.length > 0) {
      const shown = data.skipped.slice(0, 5).join(', ') + (data.skipped.length > 5 ? ', …' : '');
      reporter.event('warning', 'log', `${spec.data.source}: skipped ${plural(data.skipped.length, 'file')} that ${data.skipped.length === 1 ? 'is' : 'are'} not ${data.skipped.length === 1 ? 'an image' : 'images'} (${shown})`, { data: { skipped: data.skipped } });
    }

    parts = buildTrainingParts(spec, data);
    for (const warning of parts.warnings) reporter.event('warning', 'log', warning);
    const stepsPerEpoch = parts.batches.stepsPerEpoch;
    const testLabels = dataset.labels !== null && data.test.length > 0 ? Array.from(data.test, (i) => dataset.labels![i]!) : null;
    const chance = testLabels !== null ? majorityRate(testLabels) : null;
    position = { step: 0, epoch: 1, batchInEpoch: 0, elapsedSec: 0, bestKnnAccuracy: null };
    if (options.resume) {
      const { checkpoint, notes } = findResumePoint(runDir, record.lastCheckpoint);
      for (const note of notes) reporter.event('warning', 'recovered', note);
      if (checkpoint !== null) {
        restoreChecked(runDir, checkpoint, () => parts!.restore(checkpoint));
        position = checkpoint.state.position;
        const kept = position.step;
        // Work after the checkpoint is redone, so its lines go: the metrics read as one continuous run.
        const filtered = filterJsonLines<MetricLine>(paths.metrics, (line) => line.step <= kept);
        if (filtered.damaged.length > 0) reporter.event('warning', 'recovered', `${paths.metrics}: dropped ${plural(filtered.damaged.length, 'damaged line')} (line ${filtered.damaged.join(', ')}); the steps after ${checkpoint.name} are redone`, { data: { damaged: filtered.damaged } });
        // Steps the checkpoint covers but the file has no line for (cut short on a line boundary, lines deleted) are said, not silently missing.
        const missing = missingSteps(readJsonLines<MetricLine>(paths.metrics).lines, kept);
        if (missing.length > 0) reporter.event('warning', 'recovered', `${paths.metrics}: no metric lines for ${plural(missing.length, 'step')} (${stepRanges(missing)}) before ${checkpoint.name}; those lines are lost, the trained weights are not`, { data: { missingSteps: missing.length } });
        reporter.event('info', 'resumed', `resumed from checkpoints/${checkpoint.name} (step ${position.step}, epoch ${position.epoch})`, { step: position.step, epoch: position.epoch });
      } else {
        filterJsonLines<MetricLine>(paths.metrics, () => false);
        reporter.event('info', 'resumed', 'no checkpoint yet: starting from the beginning', { step: 0, epoch: 1 });
      }
    } else {
      reporter.event('info', 'started', `training ${spec.experiment}: ${plural(epochs, 'epoch')} × ${plural(stepsPerEpoch, 'step')}, batch ${spec.strategy.batchSize}, seed ${spec.strategy.seed}`, { data: { epochs, stepsPerEpoch } });
    }
    record = updateRunRecord(runDir, { stepsPerEpoch, step: position.step, epoch: position.epoch - 1, ...(options.resume ? { lastCheckpoint: position.step > 0 ? `checkpoints/${checkpointName(position.step)}` : null } : {}) });
    // Building the parts and restoring the checkpoint are synchronous: let a signal handler run first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (stop.requested) {
      reporter.event('info', 'stopping', `stop requested (${stop.reason}) before training began`, { step: position.step });
      return finish('stopped');
    }

    const segmentStart = Date.now();
    const elapsed = (): number => position!.elapsedSec + (Date.now() - segmentStart) / 1000;
    const totalSteps = epochs * stepsPerEpoch;
    let stepsThisSegment = 0;

    const checkpoint = (why: string): void => {
      phase = 'checkpoint';
      const pos: LoopPosition = { ...position!, elapsedSec: elapsed() };
      const state = parts!.checkpointState();
      const name = saveCheckpoint(runDir, { formatVersion: 1, position: pos, extra: state.extra }, state.tensors);
      record = updateRunRecord(runDir, { lastCheckpoint: name, step: pos.step, epoch: pos.epoch - 1, bestKnnAccuracy: pos.bestKnnAccuracy });
      reporter.event('info', 'checkpoint', `checkpoint saved (${why}): ${name}`, { step: pos.step, epoch: pos.batchInEpoch === 0 ? pos.epoch - 1 : pos.epoch, data: { path: name } });
    };

    while (position.epoch <= epochs) {
      const epoch: number = position.epoch;
      const plan = parts.batches.plan(epoch);
      for (let b: number = position.batchInEpoch; b < stepsPerEpoch; b++) {
        phase = 'training';
        const stepStart = Date.now();
        const step: number = position.step + 1;
        const { loss, lr, fault } = await parts.trainStep(plan[b]!, step, totalSteps);
        if (fault !== null) {
          const message = describeFault(fault, step, epoch, lr, parts.nanHint());
          // In events.jsonl and the stream; the terminal gets it once, as the `failed` line below.
          reporter.record('error', 'nan', message, { step, epoch, data: { loss: String(loss), lr, kind: fault.kind, tensor: fault.tensor, value: String(fault.value) } });
          throw new TrainingError(message, `step ${step} (epoch ${epoch})`, { kind: 'nonFinite', step, epoch, value: String(fault.value) });
        }
        position = { ...position, step, batchInEpoch: b + 1 };
        stepsThisSegment++;
        const seconds = Math.max(1e-6, (Date.now() - stepStart) / 1000);
        const time = elapsed();
        const samplesPerSec = spec.strategy.batchSize / seconds;
        reporter.metric({ kind: 'step', step, epoch, time: round(time, 3), loss, lr, samplesPerSec: round(samplesPerSec, 1) });
        const perStep = (Date.now() - segmentStart) / 1000 / stepsThisSegment;
        reporter.progress({ epoch, epochs, stepInEpoch: b + 1, stepsPerEpoch, loss, samplesPerSec, etaSec: perStep * (totalSteps - step) });
        options.onStep?.(step);
        // The step's tensor work is synchronous: yield to the event loop so a SIGTERM/SIGINT handler can run.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (stop.requested && b + 1 < stepsPerEpoch) {
          reporter.event('info', 'stopping', `stop requested (${stop.reason}): finishing at step ${step}`, { step, epoch });
          checkpoint('stop');
          return finish('stopped');
        }
      }
      position = { ...position, epoch: epoch + 1, batchInEpoch: 0 };
      reporter.event('info', 'epoch', `epoch ${epoch}/${epochs} done`, { step: position.step, epoch });
      if (epoch % spec.eval.every === 0 || epoch === epochs) {
        phase = 'evaluation';
        const evaluation = await evaluate(parts, data, spec, { step: position.step, epoch, time: round(elapsed(), 3) });
        // Judged before it is written: non-finite embeddings fail the run instead of printing NaN figures.
        const health = judgeEvaluation(evaluation.metric, evaluation.collapse, chance);
        lastEval = evaluation.metric;
        reporter.metric(lastEval);
        if (lastEval.knnAccuracy !== null && (position.bestKnnAccuracy === null || lastEval.knnAccuracy > position.bestKnnAccuracy)) {
          position = { ...position, bestKnnAccuracy: lastEval.knnAccuracy };
        }
        learning = health;
        record = updateRunRecord(runDir, { learning: health });
        if (health.state === 'collapsed') {
          reporter.event('warning', 'collapse', health.message, { step: position.step, epoch, data: { std: evaluation.collapse.std, healthy: evaluation.collapse.healthyStd, onCollapse: spec.strategy.onCollapse } });
          if (spec.strategy.onCollapse === 'stop') {
            // The collapsed weights are finite: keep them (to inspect, or to resume with onCollapse:
            // warn), so that the run records this epoch and "the last checkpoint is kept" holds.
            checkpoint(`collapse at epoch ${epoch}`);
            throw new TrainingError(`the representation collapsed at epoch ${epoch} and strategy.onCollapse is "stop": ${evaluation.collapse.message} The last checkpoint is kept; set strategy.onCollapse: warn to train on.`, `evaluation after epoch ${epoch}`, { kind: 'collapsed', epoch });
          }
        } else if (health.state === 'chance') {
          reporter.event('warning', 'chance', health.message, { step: position.step, epoch, data: { knnAccuracy: lastEval.knnAccuracy, chance } });
        }
      }
      if (epoch % spec.run.checkpointEvery === 0 || epoch === epochs || stop.requested) checkpoint(epoch === epochs ? 'end' : stop.requested ? 'stop' : `epoch ${epoch}`);
      if (stop.requested && epoch < epochs) {
        reporter.event('info', 'stopping', `stop requested (${stop.reason}): stopped after epoch ${epoch}`, { step: position.step, epoch });
        return finish('stopped');
      }
    }
    phase = 'embeddings';
    let written;
    try {
      written = await writeRunEmbeddings(runDir, parts, data, spec, { step: position.step, epoch: epochs, umap: options.umap, cooperation: { shouldStop: () => stop.requested, onStop: () => new StopRequested() } });
    } catch (e) {
      if (!(e instanceof StopRequested)) throw e;
      reporter.event('info', 'stopping', `stop requested (${stop.reason}) while writing the embeddings: training is complete and checkpointed; \`resume\` writes them`, { step: position.step });
      return finish('stopped');
    }
    reporter.event('info', 'embeddings', `embeddings written: ${written.count} × ${written.dim} (${written.files.join(', ')})`, { step: position.step, data: { count: written.count, dim: written.dim, files: written.files } });
    return finish('completed');
  } catch (e) {
    const error = describeError(e, phase, position);
    record = recordFailure(runDir, { status: 'failed', error, pid: null, endedAt: new Date().toISOString() }) ?? { ...record, status: 'failed', error, pid: null };
    // A message that starts with its place (a data file's path and line) is not prefixed with it again.
    const failedLine = error.message.startsWith(`${error.where}:`) ? `run failed: ${error.message}` : `run failed at ${error.where}: ${error.message}`;
    try {
      reporter.event('error', 'failed', failedLine, { data: { where: error.where } });
    } catch {
      // events.jsonl cannot be written either (disk full): the terminal still gets the line.
      reporter.sayError(failedLine);
    }
    return { status: 'failed', runDir, record, lastEval };
  } finally {
    parts?.dispose();
  }

  function finish(status: 'completed' | 'stopped'): SessionOutcome {
    record = updateRunRecord(runDir, { status, pid: null, endedAt: new Date().toISOString(), step: position!.step, bestKnnAccuracy: position!.bestKnnAccuracy });
    const accuracy = lastEval?.knnAccuracy;
    // A completed run that learned nothing ends with a warning, never a plain "completed".
    const learnedNothing = status === 'completed' && learning !== null && learning.state !== 'healthy';
    const completed = `run completed${accuracy != null ? `: kNN accuracy ${(accuracy * 100).toFixed(2)}%` : ''}${learnedNothing ? `, but it learned nothing useful (${learning!.state === 'collapsed' ? 'collapsed' : 'chance-level kNN'} at epoch ${learning!.epoch})` : ''}`;
    reporter.event(learnedNothing ? 'warning' : 'info', status, status === 'completed' ? completed : `run stopped at step ${position!.step}; continue with: contrastive-lab resume ${runDir}`, { step: position!.step, data: { runDir, ...(learning !== null ? { learning: learning.state } : {}) } });
    return { status, runDir, record, lastEval };
  }
}

/** Steps 1..upTo that have no step line. */
function missingSteps(lines: readonly MetricLine[], upTo: number): number[] {
  const seen = new Set(lines.filter((l) => l.kind === 'step').map((l) => l.step));
  const missing: number[] = [];
  for (let s = 1; s <= upTo; s++) if (!seen.has(s)) missing.push(s);
  return missing;
}

/** "3, 6–18": consecutive steps as ranges. */
function stepRanges(steps: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < steps.length; ) {
    let j = i;
    while (j + 1 < steps.length && steps[j + 1] === steps[j]! + 1) j++;
    parts.push(i === j ? `step ${steps[i]}` : `steps ${steps[i]}–${steps[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Live tensors, for leak checks in tests. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
