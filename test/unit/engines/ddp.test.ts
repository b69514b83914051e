// Several processes on the PyTorch engine (run.processes, DistributedDataParallel over env://):
// for every loss the declarations give the PyTorch engine, and for the MoCo queue, BYOL's EMA target
// and synced batch norm, the gradients of 2 processes on a global batch equal one process's on the
// same batch (contrastive_lab_torch.ddpcheck: a full step, then the backward of a second); a 2×64
// run's step losses equal a 1×128 run's; the 2-process run writes one run directory the readers
// take; a stop (SIGTERM to every rank) ends it `stopped` at one step; a checkpoint written by 2
// processes resumes on 1 and one written by 1 resumes on 2, to the losses of a run that never stopped.
// Skipped (with the reason) where /usr/bin/python3 cannot import torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LOSSES } from '../../../server/contrastive/losses/declarations';
import { readEmbeddings } from '../../../server/runs/embeddings';
import type { MetricLine, RunEvent, StepMetric } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { listRuns } from '../../../server/runs/list';
import { runPaths } from '../../../server/runs/paths';
import { summarizeRun } from '../../../server/runs/reader';
import { readRunRecord } from '../../../server/runs/record';
import { resumeWithPyTorch, trainWithPyTorch } from '../../../server/trainer/engines/pytorch';
import { enginePackageRoot, engineEnv } from '../../../server/trainer/engines/python';
import { writeSplit } from '../../../server/trainer/exportSplit';
import type { SessionOutcome } from '../../../server/trainer/session';
import type { StopSignal } from '../../../server/trainer/stop';
import { manualStop, tempDir, writeSpec } from '../trainer/helpers';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch (${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop() || `exit ${probe.status}`}); install python3-torch to test several processes`;

/** Labelled 8-feature vectors around 4 class centres (a fixed pseudo-random stream). */
function writeVectors(dir: string, rows: number): string {
  let state = 12345;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const lines = ['f0,f1,f2,f3,f4,f5,f6,f7,label'];
  for (let i = 0; i < rows; i++) {
    const label = i % 4;
    lines.push([...Array.from({ length: 8 }, (_, f) => (f % 4 === label ? 1.5 : 0) + next()), `c${label}`].join(','));
  }
  const path = join(dir, 'vectors.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

interface SpecParts {
  readonly loss: string;
  readonly positives?: 'labels' | 'augmentation';
  readonly negatives?: string;
  /** null: no distance section (a loss that reads none). */
  readonly distance?: string | null;
  readonly batchNorm?: boolean;
  readonly prediction?: boolean;
  readonly strategy?: string;
  readonly run?: string;
  readonly batchSize?: number;
  readonly epochs?: number;
}

function spec(csv: string, p: SpecParts): string {
  const augmentation = p.positives === 'augmentation';
  return `experiment: ddp
data:
  source: ${csv}
  labelColumn: label
  useLabels: ${augmentation ? 'false' : 'true'}
  split: { testFraction: 0.25, seed: 1 }
pairs:
  positives: ${p.positives ?? 'labels'}
  negatives: ${p.negatives ?? '{ type: batch }'}
  views:
    weak: [{ type: featureNoise, std: 0.1 }]
    strong: [{ type: featureNoise, std: 0.2 }, { type: featureMask, fraction: 0.2 }]
${p.distance === null ? '' : `distance: ${p.distance ?? '{ type: cosine }'}\n`}loss: ${p.loss}
architecture:
  backbone: { type: mlp, layers: [16], batchNorm: ${p.batchNorm ?? false} }
  representationSize: 8
  projection: { layers: [8] }
  prediction: ${p.prediction ? '{ layers: [4, 8] }' : 'null'}
strategy:
  optimizer: { type: adam, learningRate: 0.01 }
  epochs: ${p.epochs ?? 1}
  batchSize: ${p.batchSize ?? 16}
${p.strategy ?? ''}run:
  engine: pytorch
${p.run ?? ''}`;
}

/** One spec per loss on two views (every loss takes them), as its declared facts ask: batch negatives when it contrasts, an asymmetry when a constant minimises it. */
function lossParts(l: (typeof LOSSES)[number]): SpecParts {
  const f = l.facts;
  return {
    loss: `{ type: ${l.type} }`,
    positives: 'augmentation',
    negatives: f.needsNegatives ? '{ type: batch }' : '{ type: none }',
    ...(f.minimisedByCollapse ? { prediction: true, strategy: '  stopGradient: true\n' } : {}),
    // its default margins are distances: on cosine similarities every pair already satisfies them (no gradient to compare)
    ...(l.type === 'contrastive' ? { distance: '{ type: euclidean, normalize: true }' } : {}),
    // a classifier head learns the labels: one labelled view, no distance
    ...(l.type === 'crossEntropy' ? { positives: 'labels' as const, distance: null } : {}),
  };
}

const EXTRA: Readonly<Record<string, SpecParts>> = {
  'supCon on labels': { loss: '{ type: supCon, temperature: 0.1 }' },
  'triplet on labels, batchHard mining': { loss: '{ type: triplet }', negatives: '{ type: batch }\n  mining: { type: batchHard }' },
  'infoNCE on two views, batch norm synced': { loss: '{ type: infoNCE, temperature: 0.2 }', positives: 'augmentation', batchNorm: true, run: '  syncBatchNorm: true\n' },
  'MoCo: infoNCE against the queue, EMA keys': { loss: '{ type: infoNCE, temperature: 0.2 }', positives: 'augmentation', negatives: '{ type: queue, size: 24 }', strategy: '  stopGradient: true\n  ema: { tauStart: 0.9, tauEnd: 1 }\n' },
  'BYOL: EMA target, batch norm synced': { loss: '{ type: negativeCosine, form: byol }', positives: 'augmentation', negatives: '{ type: none }', prediction: true, batchNorm: true, strategy: '  ema: { tauStart: 0.9, tauEnd: 1 }\n', run: '  syncBatchNorm: true\n' },
};

interface CheckLine {
  readonly spec: string;
  readonly losses: number[];
  readonly lossesDistributed: number[];
  readonly parameters: number;
  readonly gradientScale: number;
  readonly maxRelativeDifference: number;
  readonly worst: string;
  readonly queue: { readonly rows: number; readonly maxDifference: number } | null;
}

test('2 processes compute the gradients of 1 process on the same global batch, for every loss of the PyTorch engine and the MoCo queue', { skip, timeout: 90_000 }, async () => {
  const dir = tempDir('ddp-grad');
  const csv = writeVectors(dir, 96);
  const onPyTorch = LOSSES.filter((l) => (l.facts.engines as readonly string[]).includes('pytorch'));
  assert.ok(onPyTorch.length >= 9, `the declarations give the PyTorch engine ${onPyTorch.length} losses`);
  const cases = new Map<string, SpecParts>([...onPyTorch.map((l): [string, SpecParts] => [l.type, lossParts(l)]), ...Object.entries(EXTRA)]);
  const files = new Map<string, string>();
  let split: string | null = null;
  for (const [name, parts] of cases) {
    const written = writeSpec(dir, spec(csv, parts), `${files.size}.contrastive.yaml`);
    if (split === null) {
      split = join(dir, 'split');
      await writeSplit(written.spec, dir, split);
    }
    const file = join(dir, `${files.size}.spec.json`);
    writeFileSync(file, JSON.stringify(written.spec));
    files.set(file, name);
  }
  const run = spawnSync(PYTHON, ['-m', 'contrastive_lab_torch.ddpcheck', '--data', split!, '--processes', '2', '--steps', '2', ...[...files.keys()].flatMap((f) => ['--spec', f])], {
    encoding: 'utf8',
    env: { ...engineEnv(enginePackageRoot()), OMP_NUM_THREADS: '1' },
    timeout: 85_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as CheckLine);
  assert.equal(lines.length, files.size);
  for (const line of lines) {
    const name = files.get(line.spec)!;
    assert.ok(line.parameters > 0 && line.gradientScale > 1e-6, `${name}: no gradient to compare (${line.parameters} parameters, largest |gradient| ${line.gradientScale})`);
    assert.ok(line.maxRelativeDifference < 1e-4, `${name}: the 2-process gradient of ${line.worst} differs from 1 process's by ${line.maxRelativeDifference} (relative)`);
    line.losses.forEach((loss, i) => assert.ok(Math.abs(loss - line.lossesDistributed[i]!) <= 1e-5 * Math.max(1, Math.abs(loss)), `${name}: step ${i + 1} loss ${line.lossesDistributed[i]} on 2 processes, ${loss} on 1`));
    if (name.startsWith('MoCo')) {
      assert.ok(line.queue !== null && line.queue.rows === 16, `${name}: the queue holds the 16 keys of the first global batch (from both processes): ${JSON.stringify(line.queue)}`);
      assert.ok(line.queue.maxDifference < 1e-5, `${name}: the queue differs by ${line.queue.maxDifference}`);
    }
  }
});

const controls = (processes: number, stop: StopSignal = manualStop(), onStep?: (step: number) => void) => ({ mode: 'silent' as const, stop, umap: false, threads: processes, python: PYTHON, processes, ...(onStep ? { onStep } : {}) });
const steps = (runDir: string): StepMetric[] => readJsonLines<MetricLine>(runPaths(runDir).metrics).lines.filter((l): l is StepMetric => l.kind === 'step');
const events = (runDir: string): RunEvent[] => readJsonLines<RunEvent>(runPaths(runDir).events).lines;

function sameLosses(a: readonly StepMetric[], b: readonly StepMetric[], what: string): void {
  assert.deepEqual(a.map((s) => s.step), b.map((s) => s.step), `${what}: the same steps`);
  a.forEach((s, i) => assert.ok(Math.abs(s.loss - b[i]!.loss) <= 1e-4 * Math.max(1, Math.abs(s.loss)), `${what}: step ${s.step} loss ${b[i]!.loss} vs ${s.loss}`));
}

/** A SimCLR-style spec with synced batch norm: 128 = 2 × 64 per step, 3 steps per epoch, 4 epochs. */
const shared = (() => {
  const dir = tempDir('ddp-run');
  const csv = writeVectors(dir, 520);
  const written = writeSpec(dir, spec(csv, { loss: '{ type: infoNCE, temperature: 0.2 }', positives: 'augmentation', batchNorm: true, batchSize: 128, epochs: 4, run: '  syncBatchNorm: true\n' }));
  return { root: join(dir, 'runs'), run: { spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') } };
})();

/** The 1-process run the others are compared with (trained once, by the first test that asks). */
let reference: Promise<SessionOutcome> | null = null;
function referenceRun(): Promise<SessionOutcome> {
  reference ??= trainWithPyTorch(shared.run, controls(1));
  return reference;
}

test('a 2×64 run has the step losses of a 1×128 run and writes one run directory the readers take', { skip, timeout: 90_000 }, async () => {
  const one = await referenceRun();
  const two = await trainWithPyTorch(shared.run, controls(2));
  assert.equal(one.status, 'completed', JSON.stringify(readRunRecord(one.runDir).error));
  assert.equal(two.status, 'completed', JSON.stringify(readRunRecord(two.runDir).error));
  assert.equal(steps(one.runDir).length, 12);
  sameLosses(steps(one.runDir), steps(two.runDir), '2 processes against 1');

  const listed = listRuns(shared.root);
  assert.deepEqual(listed.skipped, []);
  const s = summarizeRun(two.runDir);
  assert.equal(s.status, 'completed');
  assert.equal(s.record.engine, 'pytorch');
  assert.equal(s.record.step, 12);
  assert.equal(s.record.lastCheckpoint, 'checkpoints/step-00000012');
  const backend = events(two.runDir).find((e) => e.event === 'backend')!;
  assert.match(backend.message, /2 processes \(DistributedDataParallel, gloo\), 1 thread each/);
  assert.ok(events(two.runDir).some((e) => e.event === 'log' && /torchrun cannot start here .*; started the 2 processes with the env:\/\/ rendezvous variables/.test(e.message)) || !/1\.\d+/.test(backend.message), 'torch 1.x: the fallback from torchrun is noted');
  assert.equal(events(two.runDir).filter((e) => e.event === 'started').length, 1, 'one process (rank 0) writes the run directory');
  assert.equal(readJsonLines<MetricLine>(runPaths(two.runDir).metrics).lines.filter((l) => l.kind === 'eval').length, 4);
  const embeddings = readEmbeddings(two.runDir);
  assert.equal(embeddings.meta.count, 520);
  assert.equal(embeddings.meta.dim, 8);
});

for (const [first, then] of [[2, 1], [1, 2]] as const) {
  test(`a stop reaches every one of ${first} process${first > 1 ? 'es' : ''} (they stop at one step); the checkpoint resumes on ${then}, to the losses of a run that never stopped`, { skip, timeout: 90_000 }, async () => {
    const whole = await referenceRun();
    assert.equal(whole.status, 'completed');
    const stop = manualStop();
    // Asked at the first step line: the processes finish the step they are in (or a few more while the signal travels), all the same one.
    const stopped = await trainWithPyTorch(shared.run, controls(first, stop, (step) => (step === 1 ? stop.request('SIGTERM') : undefined)));
    assert.equal(stopped.status, 'stopped', JSON.stringify(readRunRecord(stopped.runDir).error));
    const at = stopped.record.step;
    assert.ok(at >= 1 && at < 12, `stopped at step ${at}`);
    assert.equal(stopped.record.lastCheckpoint, `checkpoints/step-${String(at).padStart(8, '0')}`);
    assert.equal(steps(stopped.runDir).length, at, 'one step line per step: the processes stopped together');
    const resumed = await resumeWithPyTorch(stopped.runDir, controls(then));
    assert.equal(resumed.status, 'completed', JSON.stringify(readRunRecord(resumed.runDir).error));
    sameLosses(steps(whole.runDir), steps(resumed.runDir), `stopped on ${first}, resumed on ${then}`);
  });
}
