// Pretrain, then fine-tune, as one experiment: from a pretrained run, two classifier runs on the
// same labelled fraction of its data (same split, same seed, so the same labelled samples): one
// starts from the pretrained backbone and representation (`init`), the other from scratch. Both
// specs are written to files (<runs>/.finetune/) and trained as ordinary runs; the report puts
// their held-out accuracies side by side. `contrastive-lab finetune` is its command line.
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { BackendRequest } from '../contrastive/backend';
import { labelPercent } from '../runs/labelFraction';
import { readJsonLines } from '../runs/jsonl';
import { runPaths } from '../runs/paths';
import { readRunRecord } from '../runs/record';
import type { RunEvent } from '../runs/format';
import { checkSpecText } from '../spec/check';
import { BUILTIN_PREFIX, probeDatasetOnDisk, resolveDataPath } from '../spec/dataset';
import { readInitSource } from '../spec/initSource';
import type { SpecProblem } from '../spec/problems';
import type { ResolvedSpec } from '../spec/types';
import { ensureDir, readJsonObject, writeFileChecked } from '../shared/files';
import type { OutputMode } from './reporter';
import type { SessionOutcome } from './session';
import { trainNewRun } from './start';
import type { StopSignal } from './stop';

export interface FinetuneOptions {
  /** The pretrained run directory. */
  readonly runDir: string;
  /** Fraction of the training split with labels, in (0, 1]. */
  readonly labelFraction: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Keep the pretrained parts fixed (a linear probe on them) instead of fine-tuning them. */
  readonly freeze: boolean;
  /** Folder for the two run directories; null = the pretrained run's folder. */
  readonly outRoot: string | null;
  readonly mode: OutputMode;
  readonly backend: BackendRequest | null;
  readonly threads: number | null;
  readonly stop: StopSignal;
  /** Called before each of the two runs trains. */
  readonly onStart?: (which: FinetuneVariant, specFile: string) => void;
}

export type FinetuneVariant = 'pretrained' | 'scratch';

export interface FinetuneRun {
  readonly runDir: string;
  readonly specFile: string;
  readonly status: SessionOutcome['status'];
  /** The classifier head's accuracy on the held-out split at the last evaluation. */
  readonly classifierAccuracy: number | null;
  readonly knnAccuracy: number | null;
}

export interface FinetuneReport {
  readonly pretrainedRun: string;
  readonly labelFraction: number;
  /** How many labelled training samples both runs trained on. */
  readonly labels: number | null;
  readonly heldOut: number | null;
  readonly seed: number;
  readonly finetuned: FinetuneRun;
  /** Null when the fine-tuned run did not complete (stopped or failed): the pair is not trained on. */
  readonly scratch: FinetuneRun | null;
}

/** A problem with the pretrained run or the specs made from it, said before anything trains. */
export class FinetuneError extends Error {
  constructor(message: string, readonly problems: readonly SpecProblem[] = []) {
    super(message);
    this.name = 'FinetuneError';
  }
}

/** "1%", "0.5%", "0.01": a fraction of the labels in (0, 1]. */
export function parseLabelFraction(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(text);
  if (m === null) return null;
  const value = Number(m[1]) / (m[2] === '%' ? 100 : 1);
  return value > 0 && value <= 1 ? value : null;
}

/** The spec (as written in a file) of one of the two classifier runs. */
function classifierSpec(pre: ResolvedSpec, preDir: string, specDir: string, o: FinetuneOptions, variant: FinetuneVariant): Record<string, unknown> {
  const source = pre.data.source.startsWith(BUILTIN_PREFIX) ? pre.data.source : resolveDataPath(pre.data.source, specDir);
  const name = `${pre.experiment}-${variant === 'pretrained' ? 'finetune' : 'scratch'}-${labelPercent(o.labelFraction).replace('%', 'pct')}`;
  return {
    experiment: name,
    description: variant === 'pretrained'
      ? `A classifier fine-tuned from ${preDir} on ${labelPercent(o.labelFraction)} of the labels (contrastive-lab finetune).`
      : `The same classifier from scratch on the same ${labelPercent(o.labelFraction)} of the labels, to compare with the fine-tuned one (contrastive-lab finetune).`,
    data: { source, format: pre.data.format, labelColumn: pre.data.labelColumn, useLabels: true, labelFraction: o.labelFraction, split: pre.data.split, imageSize: pre.data.imageSize, channels: pre.data.channels, normalize: pre.data.normalize, limit: pre.data.limit },
    // One weakly augmented view of each labelled sample: the pretrained run's weak view.
    pairs: { positives: 'labels', negatives: { type: 'none' }, views: { weak: pre.pairs.views.weak, strong: [] } },
    loss: { type: 'crossEntropy' },
    architecture: { backbone: pre.architecture.backbone, representationSize: pre.architecture.representationSize, projection: null, prediction: null },
    strategy: {
      optimizer: { type: 'adam', learningRate: o.learningRate },
      schedule: { type: 'cosine' },
      epochs: o.epochs,
      batchSize: o.batchSize,
      seed: pre.strategy.seed,
    },
    // Five evaluations and checkpoints over the run: the classifiers take many short epochs.
    eval: { every: Math.max(1, Math.floor(o.epochs / 5)), knn: pre.eval.knn ?? {}, retrieval: null, layer: 'representation' },
    init: variant === 'pretrained' ? { from: preDir, parts: ['backbone', 'representation'], freeze: o.freeze } : null,
    // The engine that trained the pretrained run trains both classifiers (its checkpoint is in that engine's format).
    run: { name, engine: engineOf(preDir), backend: pre.run.backend, threads: pre.run.threads, checkpointEvery: Math.max(1, Math.floor(o.epochs / 5)) },
  };
}

/** The engine a run trained on (runs recorded before run.engine existed: tfjs). */
function engineOf(runDir: string): 'tfjs' | 'pytorch' {
  return readRunRecord(runDir).engine === 'pytorch' ? 'pytorch' : 'tfjs';
}

function lastEvalOf(outcome: SessionOutcome): { classifierAccuracy: number | null; knnAccuracy: number | null } {
  return { classifierAccuracy: outcome.lastEval?.classifierAccuracy ?? null, knnAccuracy: outcome.lastEval?.knnAccuracy ?? null };
}

/** The train / held-out counts of a run, from its `data` event. */
function splitCounts(runDir: string): { train: number | null; test: number | null } {
  const data = readJsonLines<RunEvent>(runPaths(runDir).events).lines.find((e) => e.event === 'data')?.data;
  return { train: typeof data?.['train'] === 'number' ? data['train'] : null, test: typeof data?.['test'] === 'number' ? data['test'] : null };
}

export async function finetunePair(o: FinetuneOptions): Promise<FinetuneReport> {
  const preDir = resolve(o.runDir);
  const source = readInitSource(preDir, dirname(preDir));
  if (!source.ok) throw new FinetuneError(source.problem);
  const pre = readJsonObject<ResolvedSpec>(runPaths(preDir).specJson, 'recorded spec');
  const record = readRunRecord(preDir);
  if (pre.data.format !== 'builtin' && !existsSync(resolveDataPath(pre.data.source, dirname(record.specPath)))) {
    throw new FinetuneError(`${preDir}: its data ${pre.data.source} is not at ${resolveDataPath(pre.data.source, dirname(record.specPath))} any more; the classifiers need the same data (move it back, or train the fine-tune spec by hand with init.from).`);
  }
  const root = o.outRoot !== null ? resolve(o.outRoot) : dirname(preDir);
  const specFolder = join(root, '.finetune');
  ensureDir(specFolder, 'fine-tune specs folder');
  const runs: Partial<Record<FinetuneVariant, FinetuneRun>> = {};
  // Both specs are checked before either trains: a problem in one wastes no training time.
  const prepared = (['pretrained', 'scratch'] as const).map((variant) => {
    const value = classifierSpec(pre, preDir, dirname(record.specPath), o, variant);
    const specFile = join(specFolder, `${basename(preDir)}-${labelPercent(o.labelFraction).replace('%', 'pct')}-${variant === 'pretrained' ? 'finetune' : 'scratch'}.contrastive.json`);
    const text = JSON.stringify(value, null, 2) + '\n';
    const check = checkSpecText(text, specFile, { datasetInfo: probeDatasetOnDisk });
    if (check.spec === null) throw new FinetuneError(`${preDir}: the ${variant === 'pretrained' ? 'fine-tune' : 'from-scratch'} spec made from this run has errors (see above); adjust --labels, --batch-size or --epochs.`, check.problems.filter((p) => p.severity === 'error'));
    return { variant, specFile, text, spec: check.spec };
  });
  for (const p of prepared) {
    writeFileChecked(p.specFile, p.text);
    o.onStart?.(p.variant, p.specFile);
    const run = { spec: p.spec, specPath: p.specFile, specText: p.text, outRoot: root };
    let outcome: SessionOutcome;
    if (p.spec.run.engine === 'pytorch') {
      const { trainWithPyTorch, PythonEngineError } = await import('./engines/pytorch');
      try {
        outcome = await trainWithPyTorch(run, { mode: o.mode, stop: o.stop, umap: false, threads: o.threads, python: null });
      } catch (e) {
        // No torch, an ingredient it lacks, weights it cannot load: said as the fine-tune's problem.
        if (e instanceof PythonEngineError) throw new FinetuneError(`${p.specFile}: ${e.message}`);
        throw e;
      }
    } else {
      outcome = await trainNewRun(run, { mode: o.mode, backend: o.backend, threads: o.threads, stop: o.stop, umap: false });
    }
    runs[p.variant] = { runDir: outcome.runDir, specFile: p.specFile, status: outcome.status, ...lastEvalOf(outcome) };
    if (outcome.status !== 'completed') break;
  }
  const finetuned = runs.pretrained;
  if (finetuned === undefined) throw new FinetuneError('the fine-tune run did not start');
  const scratch = runs.scratch ?? null;
  const counts = splitCounts(finetuned.runDir);
  return { pretrainedRun: preDir, labelFraction: o.labelFraction, labels: counts.train, heldOut: counts.test, seed: pre.strategy.seed, finetuned, scratch };
}
