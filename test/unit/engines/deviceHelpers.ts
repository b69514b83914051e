// Shared by pytorch-device.test.ts and pytorch-device-recipes.test.ts: small digits specs for the
// PyTorch engine, the run directory and split the launcher would prepare, and the engine run on the
// stand-in GPU (engines/pytorch/tests/device_run.py).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadData } from '../../../server/contrastive/data/load';
import type { MetricLine, RunEvent, StepMetric } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { writeLoadedSplit } from '../../../server/trainer/exportSplit';
import { createRunDirectory } from '../../../server/trainer/runDirectory';
import { manualStop, writeSpec } from '../trainer/helpers';

export const ROOT = join(__dirname, '..', '..', '..');
export const PYTHON = '/usr/bin/python3';
const HARNESS = join(ROOT, 'engines', 'pytorch', 'tests', 'device_run.py');
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
export const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch (${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop() || `exit ${probe.status}`}); install python3-torch to test the PyTorch engine`;
export const ENV: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: join(ROOT, 'engines', 'pytorch'), OMP_NUM_THREADS: '1' };

export interface Recipe {
  readonly positives?: string;
  readonly negatives?: string;
  readonly mining?: string;
  readonly sampler?: string;
  readonly views?: string;
  readonly distance?: string;
  readonly loss: string;
  readonly backbone?: string;
  readonly heads?: string;
  readonly optimizer?: string;
  /** Extra lines inside `strategy:` (indented by two spaces). */
  readonly strategy?: string;
  readonly eval?: string;
}

export const specText = (r: Recipe, epochs = 2): string => `experiment: device
run: { engine: pytorch, checkpointEvery: 1 }
data:
  source: builtin:digits
  limit: 300
  split: { testFraction: 0.25, seed: 0 }
pairs:
  positives: ${r.positives ?? 'labels'}
  negatives: ${r.negatives ?? '{ type: batch }'}
  mining: ${r.mining ?? '{ type: none }'}
  sampler: ${r.sampler ?? '{ type: random }'}
${r.views === undefined ? '' : `  views: ${r.views}\n`}distance: ${r.distance ?? '{ type: cosine }'}
loss: ${r.loss}
architecture:
  backbone: ${r.backbone ?? '{ type: mlp, layers: [32], batchNorm: true, dropout: 0.1 }'}
  representationSize: 16
${r.heads ?? '  projection: { layers: [16] }'}
strategy:
  optimizer: ${r.optimizer ?? '{ type: adam, learningRate: 0.002 }'}
  epochs: ${epochs}
  batchSize: 40
${r.strategy ?? ''}eval:
  knn: { k: 10, temperature: 0.07 }
${r.eval ?? ''}`;

export const IMAGE_VIEWS = `{ weak: [{ type: affine, degrees: 10, translate: 0.1 }, { type: flip, horizontal: true }],
    strong: [{ type: randomResizedCrop, scale: [0.6, 1] }, { type: brightness, delta: 0.2 }, { type: contrast, range: [0.8, 1.2] },
             { type: gaussianNoise, std: 0.05 }, { type: gaussianBlur, kernelSize: 3, sigma: [0.1, 1] }, { type: cutout, size: 3, count: 1 }] }`;

/** Together: every loss form, the losses with their own parameters, each miner family, the queue, the EMA target, every backbone, each optimiser, clipping, the evaluations. */
export const RECIPES: Record<string, Recipe> = {
  supConWithProbeAndRetrieval: { loss: '{ type: supCon, temperature: 0.1 }', strategy: '  gradientClipNorm: 1\n', eval: '  linearProbe: { epochs: 5 }\n  retrieval: { recallAtK: [1, 5] }\n  fewShot: { ways: 5, shots: [1, 3], episodes: 20, queries: 3 }\n  labelEfficiency: { fractions: [0.1, 1], epochs: 5 }\n' },
  simclrConvnetAllImageOps: { positives: 'augmentation', views: IMAGE_VIEWS, loss: '{ type: infoNCE, temperature: 0.2 }', backbone: '{ type: convnet, channels: [8, 16], batchNorm: true }', optimizer: '{ type: lars, learningRate: 0.1 }', strategy: '  schedule: { type: cosine, warmupEpochs: 1 }\n' },
  mocoQueueEma: { positives: 'augmentation', views: IMAGE_VIEWS, negatives: '{ type: queue, size: 120 }', loss: '{ type: infoNCE, temperature: 0.2 }', optimizer: '{ type: sgd, learningRate: 0.05, momentum: 0.9, nesterov: true }', strategy: '  ema: {}\n' },
  byolPredictorTargetTemperature: { positives: 'augmentation', views: IMAGE_VIEWS, loss: '{ type: negativeCosine, form: byol }', heads: '  projection: { layers: [16] }\n  prediction: { layers: [16] }', optimizer: '{ type: adamw, learningRate: 0.002 }', strategy: '  ema: {}\n  targetTemperature: { teacher: 0.05, student: 0.1 }\n' },
  siglipLearnable: { positives: 'augmentation', views: IMAGE_VIEWS, loss: '{ type: siglip, learnable: true }' },
  vicreg: { positives: 'augmentation', views: IMAGE_VIEWS, loss: '{ type: vicreg }' },
  barlowTwins: { positives: 'augmentation', views: IMAGE_VIEWS, loss: '{ type: barlowTwins }' },
  softNearestNeighborLearnable: { loss: '{ type: softNearestNeighbor, learnTemperature: true }', distance: '{ type: jensenShannon }' },
  tripletBatchHard: { loss: '{ type: triplet, margin: 0.2 }', distance: '{ type: euclidean }', mining: '{ type: batchHard }', sampler: '{ type: mPerClass, m: 4 }' },
  tripletSemiHard: { loss: '{ type: triplet, margin: 0.2, swap: true }', mining: '{ type: semiHard, margin: 0.2 }' },
  multiSimilarityMined: { loss: '{ type: multiSimilarity }', mining: '{ type: multiSimilarity }' },
  nPairs: { loss: '{ type: nPairs }', sampler: '{ type: mPerClass, m: 4 }' },
  liftedStructure: { loss: '{ type: liftedStructure }', distance: '{ type: wasserstein }' },
  queueWithPairLoss: { negatives: '{ type: queue, size: 120 }', loss: '{ type: contrastive }', distance: '{ type: manhattan }', strategy: '  ema: {}\n' },
  resnet: { loss: '{ type: circle }', backbone: '{ type: resnet, channels: [8, 16] }' },
};

export const metrics = (runDir: string): MetricLine[] => readJsonLines<MetricLine>(runPaths(runDir).metrics).lines;
export const stepLosses = (runDir: string): number[] => metrics(runDir).filter((l): l is StepMetric => l.kind === 'step').map((l) => l.loss);
export const events = (runDir: string): RunEvent[] => readJsonLines<RunEvent>(runPaths(runDir).events).lines;

/** What the launcher prepares for the engine: the exported split with dataset.json (of the first spec: the specs share their data block), and a run directory (run.json queued, spec.json) per spec. */
export async function prepareRuns(dir: string, texts: readonly string[]): Promise<{ runDirs: string[]; splitDir: string }> {
  const written = texts.map((text, i) => writeSpec(dir, text, `spec-${i}.contrastive.yaml`));
  const first = written[0]!;
  const data = await loadData(first.spec.data, { specDir: dirname(first.path), cacheDir: join(dir, '.cache') });
  const splitDir = join(dir, 'split');
  writeLoadedSplit(data, splitDir);
  const { dataset } = data;
  writeFileSync(join(splitDir, 'dataset.json'), JSON.stringify({ source: dataset.source, kind: dataset.kind, count: dataset.count, ids: dataset.ids, classNames: dataset.classNames }));
  const runDirs = written.map((w) => createRunDirectory(join(dir, 'runs'), w.spec, w.path, w.text, w.spec.strategy.epochs).dir);
  return { runDirs, splitDir };
}

/** The engine on the stand-in GPU, the runs one after the other in one process; with stopAtStep, a SIGTERM once that step's line is out. */
export function onStandIn(runDirs: readonly string[], splitDir: string, o: { resume?: boolean; stopAtStep?: number } = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(PYTHON, [HARNESS, ...runDirs.flatMap((d) => ['--run-dir', d]), '--data', splitDir, '--threads', '1', ...(o.resume === true ? ['--resume'] : [])], { env: ENV });
  let stderr = '';
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const parsed = JSON.parse(line) as { kind?: string; step?: number };
      if (parsed.kind === 'step' && parsed.step === o.stopAtStep) child.kill('SIGTERM');
    }
  });
  return new Promise((done) => child.on('close', (code) => done({ code, stderr })));
}

export const closeTo = (a: number[], b: number[], what: string): void => {
  assert.equal(a.length, b.length, `${what}: ${a.length} steps vs ${b.length}`);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= 1e-4 * Math.max(1, Math.abs(b[i]!)), `${what}: step ${i + 1} loss ${x} vs ${b[i]!}`));
};

export const pytorch = (device: string, stop = manualStop()) => ({ mode: 'silent' as const, stop, umap: false, threads: 1, python: PYTHON, device });

