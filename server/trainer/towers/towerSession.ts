// The training of a two-tower run inside a session (session.ts keeps the run's life: backend,
// run.json, failures): read and split the paired data, build the towers, resume from a checkpoint,
// and train with the loop's hooks — finite guard, progress, cross-modal evaluation, checkpoints
// (both towers, the loss, the optimiser, the tokenizers) and stop. The tokenizers' vocabularies are
// also written beside spec.json (tokenizer-<a|b>.json), so the run's text tower can be used alone.
import { join } from 'node:path';
import { updateRunRecord } from '../../runs/record';
import { writeJsonAtomic } from '../../shared/atomic';
import { plural } from '../../shared/plural';
import type { ResolvedSpec } from '../../spec/types';
import { checkpointName } from '../checkpoint';
import { CheckpointHook } from '../hooks/checkpoint';
import { finiteGuardHook } from '../hooks/finite-guard';
import { progressHook } from '../hooks/progress';
import { stopHook } from '../hooks/stop';
import { majorityRate } from '../learningHealth';
import { StopRequested } from '../recovery';
import type { Reporter } from '../reporter';
import { resumeFromCheckpoint } from '../resumeFrom';
import type { StopSignal } from '../stop';
import { Trainer, startClock, type RunState, type TrainingHook } from '../trainer';
import { describeData } from './describePairs';
import { loadPairedSplit } from './pairedSplit';
import { buildTowerParts } from './towerParts';
import { writeTowerEmbeddings } from './towerEmbeddings';
import { towerEvaluationHook } from './towerEvaluationHook';

export interface TowerRun {
  readonly runDir: string;
  readonly spec: ResolvedSpec;
  readonly specDir: string;
  readonly resume: boolean;
  readonly stop: StopSignal;
  readonly run: RunState;
  readonly reporter: Reporter;
  readonly epochs: number;
  readonly onStep: ((step: number) => void) | undefined;
  /** Compute the UMAP map of the final embeddings too (slow on large sets). */
  readonly umap: boolean;
}

export async function trainTowers(p: TowerRun): Promise<'completed' | 'stopped'> {
  const { runDir, spec, run, reporter, stop, epochs } = p;
  const towers = spec.architecture.towers!;
  const data = await loadPairedSplit(spec, p.specDir);
  reporter.event('info', 'data', describeData(data), { data: { source: data.source, count: data.count, train: data.train.length, test: data.test.length, classes: data.classNames?.length ?? null } });
  const parts = buildTowerParts(spec, data, p.specDir, p.resume);
  try {
    for (const name of ['a', 'b'] as const) {
      const tower = towers[name];
      if (tower.init !== null && !p.resume) reporter.event('info', 'log', `init: tower ${name} from ${tower.init.from}${tower.locked ? ' (locked)' : ''}`, { data: { tower: name, initFrom: tower.init.from, locked: tower.locked } });
    }
    for (const [name, tokenizer] of Object.entries(parts.tokenizers())) writeJsonAtomic(join(runDir, `tokenizer-${name}.json`), tokenizer);
    const stepsPerEpoch = parts.batches.stepsPerEpoch;
    run.position = { step: 0, epoch: 1, batchInEpoch: 0, elapsedSec: 0, bestKnnAccuracy: null };
    if (p.resume) resumeFromCheckpoint(runDir, run, reporter, (checkpoint) => parts.restore(checkpoint));
    else reporter.event('info', 'started', `training ${spec.experiment} (two towers, loss ${spec.loss.type}): ${plural(epochs, 'epoch')} × ${plural(stepsPerEpoch, 'step')}, batch ${spec.strategy.batchSize}, seed ${spec.strategy.seed}`, { data: { epochs, stepsPerEpoch } });
    run.record = updateRunRecord(runDir, { stepsPerEpoch, step: run.position.step, epoch: run.position.epoch - 1, ...(p.resume ? { lastCheckpoint: run.position.step > 0 ? `checkpoints/${checkpointName(run.position.step)}` : null } : {}) });
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (stop.requested) {
      reporter.event('info', 'stopping', `stop requested (${stop.reason}) before training began`, { step: run.position.step });
      return 'stopped';
    }
    const testLabels = data.labels !== null && data.test.length > 0 ? Array.from(data.test, (i) => data.labels![i]!) : null;
    const clock = startClock(run.position.elapsedSec);
    const checkpoints = new CheckpointHook({ runDir, parts, run, reporter, clock, stop, epochs, every: spec.run.checkpointEvery });
    const hooks: TrainingHook[] = [
      finiteGuardHook(reporter, () => parts.nanHint()),
      progressHook({ reporter, run, clock, batchSize: spec.strategy.batchSize, epochs, stepsPerEpoch, onStep: p.onStep }),
      towerEvaluationHook({ runDir, parts, data, spec, run, reporter, epochs, clock, checkpoints, chance: testLabels !== null ? majorityRate(testLabels) : null }),
      checkpoints,
      stopHook({ stop, reporter, run, checkpoints, epochs, stepsPerEpoch }),
      {
        // Both towers' final embeddings into embeddings/ (the map and the gallery read them); a stop
        // meanwhile ends the run as stopped: training is complete and checkpointed.
        async onRunEnd() {
          run.phase = 'embeddings';
          let written;
          try {
            written = await writeTowerEmbeddings(runDir, parts, data, spec, { step: run.position.step, epoch: epochs, umap: p.umap, cooperation: { shouldStop: () => stop.requested, onStop: () => new StopRequested() } });
          } catch (e) {
            if (!(e instanceof StopRequested)) throw e;
            reporter.event('info', 'stopping', `stop requested (${stop.reason}) while writing the embeddings: training is complete and checkpointed`, { step: run.position.step });
            return 'stop';
          }
          reporter.event('info', 'embeddings', `embeddings written: ${written.count} × ${written.dim}, both towers (${written.files.join(', ')})`, { step: run.position.step, data: { count: written.count, dim: written.dim, files: written.files } });
        },
      },
    ];
    return await new Trainer(parts, epochs, hooks).run(run);
  } finally {
    parts.dispose();
  }
}
