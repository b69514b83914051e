// Pretrain, then fine-tune, on the PyTorch engine (issue 15 item 2), as test/unit/trainer/finetune.test.ts
// checks it on tfjs: `init` loads an earlier run's parts (a tensor of another shape is refused naming
// the weight and both shapes), `freeze` keeps them bit for bit, the classifier head (loss crossEntropy)
// trains, is checkpointed and scored in every evaluation, `data.labelFraction` keeps the rows the tfjs
// trainer keeps, `contrastive-lab finetune` on a PyTorch run trains both classifiers on PyTorch with the
// fine-tuned one ahead, and a tfjs run's weights load too. Skipped where /usr/bin/python3 has no torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, test } from 'node:test';
import { initBackend } from '../../../server/contrastive/backend';
import { withLabelFraction } from '../../../server/contrastive/data/labelFraction';
import type { MetricLine, RunEvent } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import type { ResolvedSpec } from '../../../server/spec/types';
import { readRunRecord } from '../../../server/runs/record';
import { resumeWithPyTorch, trainWithPyTorch } from '../../../server/trainer/engines/pytorch';
import { finetunePair } from '../../../server/trainer/finetune';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, PRETRAIN_SUPCON, tempDir, writeSpec } from '../trainer/helpers';

const ROOT = join(__dirname, '..', '..', '..');
const PYTHON = '/usr/bin/python3';
const ENV = { ...process.env, PYTHONPATH: join(ROOT, 'engines', 'pytorch') };
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch; install python3-torch to test the PyTorch engine`;

const PRETRAIN = PRETRAIN_SUPCON.replace('run: { threads: 1 }', 'run: { engine: pytorch, threads: 1 }');

/** A classifier spec on 5 % of the labels, on PyTorch, starting from `from` (or from scratch with null). */
function classifierSpec(from: string | null, extra = ''): string {
  return `experiment: classifier
data: { source: builtin:digits, limit: 1500, labelFraction: 0.05 }
pairs: { positives: labels, negatives: { type: none } }
loss: { type: crossEntropy }
architecture:
  backbone: { type: mlp, layers: [128] }
  representationSize: 32
  projection: null
strategy: { epochs: 2, batchSize: 12, seed: 5 }
eval: { knn: { k: 5 } }
run: { engine: pytorch, threads: 1 }
${from === null ? '' : `init: { from: ${from}${extra} }\n`}`;
}

const controls = () => ({ mode: 'silent' as const, stop: manualStop(), umap: false, threads: 1, python: PYTHON });

/** `change`: edits the resolved spec after the check (what the language server would refuse, to reach the engine's own check). */
async function trainPyTorch(text: string, name: string, out: string, change: (spec: ResolvedSpec) => ResolvedSpec = (s) => s) {
  const written = writeSpec(dir, text, name);
  return trainWithPyTorch({ spec: change(written.spec), specPath: written.path, specText: written.text, outRoot: join(dir, out) }, controls());
}

/** The tensors of a PyTorch run's newest checkpoint, as {group: {name: values}} (model and classifier). */
function checkpointTensors(runDir: string): Record<string, Record<string, number[]>> {
  const code = `import json, sys, torch
from contrastive_lab_torch.rundir import RunDirectory
d = RunDirectory(sys.argv[1], lambda t: None)
_, payload = d.load_checkpoint(d.list_checkpoints()[-1])
print(json.dumps({g: {k: v.flatten().tolist() for k, v in payload[g].items()} for g in ("model", "classifier") if payload.get(g) is not None}))`;
  const r = spawnSync(PYTHON, ['-c', code, runDir], { encoding: 'utf8', env: ENV, maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, Record<string, number[]>>;
}

let dir = '';
let pretrained = '';

before(async () => {
  if (skip) return;
  dir = tempDir('pytorch-finetune');
  const outcome = await trainPyTorch(PRETRAIN, 'pre.contrastive.yaml', 'runs');
  assert.equal(outcome.status, 'completed', JSON.stringify(outcome.record.error));
  pretrained = outcome.runDir;
});

test('PyTorch init: a weight of another shape fails the run naming the weight and both shapes', { skip }, async () => {
  // The spec check (init-source rule) says this first; the engine checks every tensor again.
  const outcome = await trainPyTorch(classifierSpec(relative(dir, pretrained)), 'narrow.contrastive.yaml', 'runs-narrow', (spec) => ({ ...spec, architecture: { ...spec.architecture, representationSize: 16 } }));
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.record.error?.message ?? '', /init.parts: representation cannot be loaded from .*: weight representation.weight is \[32, 128\] in that run but \[16, 128\] in this spec's network; give architecture the representation that run had/);
  const missing = await trainPyTorch(classifierSpec(relative(dir, pretrained)), 'missing.contrastive.yaml', 'runs-missing', (spec) => ({ ...spec, init: { ...spec.init!, parts: ['projection'] } }));
  assert.match(missing.record.error?.message ?? '', /init.parts lists projection, but this spec's network has no projection; remove it from init.parts/);
});

test('PyTorch freeze: the loaded parts end the run bit for bit as the pretrained run left them; the classifier head trains and is scored', { skip }, async () => {
  const outcome = await trainPyTorch(classifierSpec(relative(dir, pretrained), ', freeze: true'), 'frozen.contrastive.yaml', 'runs-frozen');
  assert.equal(outcome.status, 'completed', JSON.stringify(outcome.record.error));
  const before = checkpointTensors(pretrained).model!;
  const after = checkpointTensors(outcome.runDir);
  const loaded = Object.keys(before).filter((name) => name.startsWith('backbone.') || name.startsWith('representation.'));
  assert.equal(loaded.length, 4);
  for (const name of loaded) assert.deepEqual(after.model![name], before[name], `${name} changed`);
  assert.ok(after.classifier!['linear.weight']!.some((v) => v !== 0), 'the classifier head was trained and checkpointed');
  const evals = readJsonLines<MetricLine>(runPaths(outcome.runDir).metrics).lines.filter((l) => l.kind === 'eval');
  assert.ok(evals.length > 0 && evals.every((l) => l.kind === 'eval' && typeof l.classifierAccuracy === 'number' && l.classifierAccuracy > 0.3), JSON.stringify(evals));
  const init = readJsonLines<RunEvent>(runPaths(outcome.runDir).events).lines.find((e) => e.message.startsWith('init:'));
  assert.equal(init?.message, `init: backbone and representation from ${pretrained} (frozen)`);
});

test('PyTorch: a stopped fine-tune run resumes (classifier head, optimiser, frozen parts from its checkpoint, not from init.from) to the losses of one that never stopped', { skip }, async () => {
  const text = classifierSpec(relative(dir, pretrained), ', freeze: true').replace('epochs: 2', 'epochs: 4');
  const whole = await trainPyTorch(text, 'whole.contrastive.yaml', 'runs-whole');
  assert.equal(whole.status, 'completed', JSON.stringify(whole.record.error));
  const stop = manualStop();
  const written = writeSpec(dir, text, 'stopped.contrastive.yaml');
  const stopped = await trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs-stopped') }, { ...controls(), stop, onStep: (step) => step === 7 && stop.request('SIGTERM') });
  assert.equal(stopped.status, 'stopped');
  const resumed = await resumeWithPyTorch(stopped.runDir, controls());
  assert.equal(resumed.status, 'completed', JSON.stringify(resumed.record.error));
  const steps = (runDir: string) => readJsonLines<MetricLine>(runPaths(runDir).metrics).lines.filter((l) => l.kind === 'step').map((l) => [l.step, (l as { loss: number }).loss]);
  assert.deepEqual(steps(stopped.runDir), steps(whole.runDir));
  const accuracy = (runDir: string) => readJsonLines<MetricLine>(runPaths(runDir).metrics).lines.filter((l) => l.kind === 'eval').map((l) => (l as { classifierAccuracy: number | null }).classifierAccuracy);
  assert.deepEqual(accuracy(stopped.runDir).slice(-1), accuracy(whole.runDir).slice(-1));
  // init is said once, when the run started: the resumed part took its weights from its own checkpoint
  assert.equal(readJsonLines<RunEvent>(runPaths(stopped.runDir).events).lines.filter((e) => e.message.startsWith('init:')).length, 1);
});

test('PyTorch data.labelFraction keeps the rows the tfjs trainer keeps (stratified, seeded by data.split.seed)', { skip }, () => {
  const labels = Int32Array.from({ length: 1000 }, (_, i) => (i < 900 ? i % 9 : 9));
  const train = Int32Array.from({ length: 700 }, (_, i) => (i * 7) % 1000);
  for (const [fraction, seed] of [[0.01, 3], [0.05, 0], [0.3, 11]] as const) {
    const expected = [...withLabelFraction({ dataset: { labels } as never, train, test: new Int32Array(0) } as never, fraction, seed).train];
    const code = `import json, sys, torch
from contrastive_lab_torch.finetune import label_fraction_rows
labels, train = torch.tensor(json.loads(sys.argv[1])), torch.tensor(json.loads(sys.argv[2]))
print(json.dumps(label_fraction_rows(train, labels, float(sys.argv[3]), int(sys.argv[4])).tolist()))`;
    const r = spawnSync(PYTHON, ['-c', code, JSON.stringify([...labels]), JSON.stringify([...train]), String(fraction), String(seed)], { encoding: 'utf8', env: ENV });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), expected, `fraction ${fraction}, seed ${seed}`);
  }
});

test('finetune on a PyTorch run: both classifiers train on PyTorch on the same labels, and the fine-tuned one beats the one from scratch', { skip }, async () => {
  // 60 epochs at 0.01 (the tfjs test's 30 at 0.003 leave the head short of converging on either side: 67 % vs 69 % here, within the noise of 300 held-out samples)
  const report = await finetunePair({ runDir: pretrained, labelFraction: 0.05, epochs: 60, batchSize: 12, learningRate: 0.01, freeze: false, outRoot: join(dir, 'pair'), mode: 'silent', backend: null, threads: 1, stop: manualStop() });
  assert.equal(report.finetuned.status, 'completed');
  assert.equal(report.scratch?.status, 'completed');
  for (const run of [report.finetuned, report.scratch!]) assert.equal(readRunRecord(run.runDir).engine, 'pytorch');
  const dataEvent = (runDir: string) => readJsonLines<RunEvent>(runPaths(runDir).events).lines.find((e) => e.event === 'data');
  assert.equal(report.labels, dataEvent(report.scratch!.runDir)?.data?.['train']);
  assert.ok(report.labels! >= 55 && report.labels! <= 65, `${report.labels} labels`);
  assert.match(dataEvent(report.finetuned.runDir)?.message ?? '', /train \(data\.labelFraction 0\.05 of 1200\)/);
  const [a, b] = [report.finetuned.classifierAccuracy!, report.scratch!.classifierAccuracy!];
  assert.ok(a > b, `fine-tuned ${a} vs scratch ${b}`);
  console.log(`PyTorch engine, 5 % of the labels (${report.labels}): fine-tuned ${(a * 100).toFixed(2)} % vs from scratch ${(b * 100).toFixed(2)} %`);
});

test('PyTorch init from a tfjs run: the frozen network embeds as the tfjs run did', { skip }, async () => {
  await initBackend('wasm');
  const written = writeSpec(dir, PRETRAIN.replace('engine: pytorch', 'engine: tfjs').replace('epochs: 10', 'epochs: 2'), 'pre-tfjs.contrastive.yaml');
  const tfjsRun = await trainNewRun({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs-tfjs') }, { mode: 'silent', backend: 'wasm', threads: 1, stop: manualStop(), umap: false });
  assert.equal(tfjsRun.status, 'completed', JSON.stringify(tfjsRun.record.error));
  const outcome = await trainPyTorch(classifierSpec(relative(dir, tfjsRun.runDir), ', freeze: true'), 'from-tfjs.contrastive.yaml', 'runs-from-tfjs');
  assert.equal(outcome.status, 'completed', JSON.stringify(outcome.record.error));
  // The final vectors are the representation of every sample: the same network, so the same vectors.
  const vectors = (runDir: string): Float32Array => new Float32Array(new Uint8Array(readFileSync(join(runDir, 'embeddings', 'vectors.f32'))).buffer);
  const [ours, theirs] = [vectors(outcome.runDir), vectors(tfjsRun.runDir)];
  assert.equal(ours.length, theirs.length);
  const worst = ours.reduce((m, v, i) => Math.max(m, Math.abs(v - theirs[i]!)), 0);
  assert.ok(worst < 1e-4, `largest difference ${worst}`);
});

test('a tfjs spec starting from a PyTorch run is refused saying why (the tfjs loader reads tfjs checkpoints only)', { skip }, async () => {
  await initBackend('wasm');
  const written = writeSpec(dir, classifierSpec(relative(dir, pretrained)).replace('engine: pytorch', 'engine: tfjs'), 'tfjs-from-pytorch.contrastive.yaml');
  const outcome = await trainNewRun({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs-tfjs-from-pytorch') }, { mode: 'silent', backend: 'wasm', threads: 1, stop: manualStop(), umap: false });
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.record.error?.message ?? '', /was trained on the PyTorch engine, whose checkpoints the TensorFlow.js trainer cannot read yet; train this spec with run.engine: pytorch/);
});
