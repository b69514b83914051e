// The run-directory contract, for both engines: one tiny spec trained on tfjs and on PyTorch, both
// directories read by the same reader (RunReader / list, the embeddings reader, the checkpoint
// state, the timeline), and what a reader relies on compared line kind by line kind. Then what only the PyTorch
// launcher does: a stop mid-epoch checkpoints and resume continues to the very same losses as a run
// that never stopped; a NaN loss fails the run with error.kind nonFinite; an ingredient the engine
// lacks is refused before any run directory exists; a missing or old torch says how to install it.
// Skipped (with the reason) only where /usr/bin/python3 cannot import torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readEmbeddings, readProjection } from '../../../server/runs/embeddings';
import type { EvalMetric, MetricLine, RunEvent } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { listRuns } from '../../../server/runs/list';
import { runPaths } from '../../../server/runs/paths';
import { summarizeRun } from '../../../server/runs/reader';
import { readRunRecord } from '../../../server/runs/record';
import { listTimelineSteps, readTimelineProbe, readTimelineStep } from '../../../server/runs/timeline/store';
import { PythonEngineError, resumeWithPyTorch, trainWithPyTorch } from '../../../server/trainer/engines/pytorch';
import { probeTorch } from '../../../server/trainer/engines/python';
import { pca2d } from '../../../server/trainer/pca';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, vectorSpec, writeSpec } from '../trainer/helpers';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch (${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop() || `exit ${probe.status}`}); install python3-torch to test the PyTorch engine`;

const SPEC = (o: { epochs?: number; limit?: number; extra?: string } = {}): string => `experiment: contract
data:
  source: builtin:digits
  limit: ${o.limit ?? 600}
  split: { testFraction: 0.25, seed: 0 }
pairs:
  positives: labels
  negatives: { type: batch }
loss: { type: supCon, temperature: 0.1 }
architecture:
  backbone: { type: mlp, layers: [64] }
  representationSize: 32
  projection: { layers: [32] }
strategy:
  optimizer: { type: adam, learningRate: 0.002 }
  epochs: ${o.epochs ?? 1}
  batchSize: 50
eval:
  knn: { k: 10, temperature: 0.07 }
${o.extra ?? ''}`;

const pytorch = (stop = manualStop()) => ({ mode: 'silent' as const, stop, umap: false, threads: 1, python: PYTHON });

function trainPyTorch(dir: string, text: string, stop = manualStop()) {
  const written = writeSpec(dir, text);
  return trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, pytorch(stop));
}

const metrics = (runDir: string): MetricLine[] => readJsonLines<MetricLine>(runPaths(runDir).metrics).lines;
const events = (runDir: string): RunEvent[] => readJsonLines<RunEvent>(runPaths(runDir).events).lines;
const keys = (o: object): string[] => Object.keys(o).sort();

test('tfjs and PyTorch write the same run directory: the reader, list, metrics, events, checkpoints, embeddings and timeline', { skip }, async () => {
  const dir = tempDir('contract');
  const written = writeSpec(dir, SPEC());
  const root = join(dir, 'runs');
  const tf = await trainNewRun({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: root }, { mode: 'silent', backend: 'cpu', stop: manualStop(), umap: false });
  const pt = await trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: root }, pytorch());
  assert.equal(tf.status, 'completed');
  assert.equal(pt.status, 'completed', JSON.stringify(readRunRecord(pt.runDir).error));

  const listed = listRuns(root);
  assert.deepEqual(listed.skipped, []);
  assert.deepEqual(listed.runs.map((r) => r.dir).sort(), [tf.runDir, pt.runDir].sort());
  const [a, b] = [summarizeRun(tf.runDir), summarizeRun(pt.runDir)];
  for (const s of [a, b]) {
    assert.equal(s.status, 'completed');
    assert.equal(s.record.pid, null);
    assert.equal(s.record.stepsPerEpoch, 9);
    assert.equal(s.record.step, 9);
    assert.equal(s.record.epoch, 1);
    assert.equal(s.record.lastCheckpoint, 'checkpoints/step-00000009');
    assert.equal(s.metrics.lastStep, 9);
    assert.ok(s.bestKnnAccuracy !== null && s.bestKnnAccuracy > 0.5, `kNN accuracy ${s.bestKnnAccuracy} is not well above chance`);
    assert.equal(s.learning, null);
    assert.equal(s.hasEmbeddings, true);
  }
  assert.deepEqual([a.record.engine, b.record.engine], ['tfjs', 'pytorch']);
  assert.deepEqual([a.record.backend, b.record.backend], ['cpu', 'pytorch-cpu']);
  assert.deepEqual(keys(b.record), keys(a.record), 'run.json has the same fields');
  const learning = (dir: string) => readRunRecord(dir).learning;
  assert.deepEqual(keys(learning(pt.runDir)!), keys(learning(tf.runDir)!));

  // metrics.jsonl: the same line kinds, counts and keys.
  const [ma, mb] = [metrics(tf.runDir), metrics(pt.runDir)];
  for (const kind of ['step', 'eval'] as const) {
    const [la, lb] = [ma.filter((l) => l.kind === kind), mb.filter((l) => l.kind === kind)];
    assert.equal(lb.length, la.length, `${kind} lines`);
    assert.deepEqual(lb.map(keys), la.map(keys), `${kind} line keys`);
  }
  const evalB = mb.find((l): l is EvalMetric => l.kind === 'eval')!;
  assert.deepEqual(keys(evalB.recallAtK!), ['1', '10', '5']);
  assert.equal(evalB.linearProbeAccuracy, null);
  assert.ok(evalB.collapseStd > 0 && Math.abs(evalB.collapseHealthyStd - 1 / Math.sqrt(32)) < 1e-9);
  assert.deepEqual(mb.filter((l) => l.kind === 'step').map((l) => l.step), [1, 2, 3, 4, 5, 6, 7, 8, 9]);

  // events.jsonl: the same events in the same order; PyTorch adds the maps the launcher computes.
  const names = (dir: string) => events(dir).map((e) => e.event);
  assert.deepEqual(names(pt.runDir), [...names(tf.runDir), 'embeddings']);
  for (const e of events(pt.runDir)) assert.deepEqual(Object.keys(e).slice(0, 5), ['kind', 'time', 'level', 'event', 'message']);

  // checkpoints: the same folder names and loop position; the tensors in each engine's own format.
  const checkpoints = (dir: string) => readdirSync(runPaths(dir).checkpoints).sort();
  assert.deepEqual(checkpoints(pt.runDir), checkpoints(tf.runDir));
  const state = (dir: string) => JSON.parse(readFileSync(join(runPaths(dir).checkpoints, 'step-00000009', 'state.json'), 'utf8')) as { formatVersion: number; position: Record<string, unknown> };
  const [sa, sb] = [state(tf.runDir), state(pt.runDir)];
  assert.equal(sb.formatVersion, 1);
  assert.deepEqual(keys(sb.position), keys(sa.position));
  assert.deepEqual({ ...sb.position, elapsedSec: 0 }, { ...sa.position, elapsedSec: 0, bestKnnAccuracy: sb.position['bestKnnAccuracy'] });
  assert.ok(existsSync(join(runPaths(pt.runDir).checkpoints, 'step-00000009', 'checkpoint.pt')));

  // embeddings: the same samples in the same order, vectors of the evaluated layer, PCA and the sprite sheet.
  const [ea, eb] = [readEmbeddings(tf.runDir), readEmbeddings(pt.runDir)];
  assert.deepEqual(eb.samples, ea.samples);
  assert.deepEqual({ ...eb.meta }, { ...ea.meta });
  assert.equal(eb.vectors.length, 600 * 32);
  assert.ok(eb.vectors.every(Number.isFinite));
  // the engine draws the PCA map itself: the picture pca.ts draws of the same vectors
  const pca = readProjection(pt.runDir, 'pca');
  assert.equal(pca?.length, 600 * 2);
  const expected = pca2d(eb.vectors, 600, 32);
  const scale = Math.max(...expected.map(Math.abs));
  assert.ok(pca!.every((v, i) => Math.abs(v - expected[i]!) <= 1e-4 * scale), 'the engine\'s pca.f32 differs from pca.ts on its vectors');
  assert.ok(existsSync(runPaths(pt.runDir).sprite));

  // timeline: the same probe set (rows, ids, labels, dim, layer) and one step file per evaluation
  const [pa, pb] = [readTimelineProbe(tf.runDir), readTimelineProbe(pt.runDir)];
  assert.deepEqual(pb, pa);
  assert.equal(pa.count, 150);
  assert.deepEqual(listTimelineSteps(pt.runDir), listTimelineSteps(tf.runDir));
  assert.deepEqual(listTimelineSteps(pt.runDir), [9]);
  // the last evaluation's probe embeddings are the final embeddings' rows of those samples
  const last = readTimelineStep(pt.runDir, pb, 9);
  pb.rows.forEach((r, p) => {
    for (let d = 0; d < 32; d++) assert.ok(Math.abs(last[p * 32 + d]! - eb.vectors[r * 32 + d]!) < 1e-4, `probe ${p}, dimension ${d}`);
  });
});

const TOWERS_SPEC = (o: { loss?: string; epochs?: number; learningRate?: number } = {}): string => `experiment: contract-towers
data:
  pairs: { source: builtin:digits-captions }
  limit: 3000
  split: { testFraction: 0.2, seed: 0 }
loss: ${o.loss ?? '{ type: infoNCE, temperature: 0.1 }'}
architecture:
  towers:
    a: { type: network, backbone: { type: mlp, layers: [128] }, representationSize: 64, projection: { layers: [64] } }
    b: { type: text, tokenSize: 32, embeddingSize: 64 }
strategy:
  optimizer: { type: adam, learningRate: ${o.learningRate ?? 0.002} }
  epochs: ${o.epochs ?? 2}
  batchSize: 100
eval:
  retrieval: { recallAtK: [1, 5, 10] }
`;

test('two towers: tfjs and PyTorch write the same run directory, and PyTorch reaches the zero-shot accuracy tfjs does', { skip }, async (t) => {
  const dir = tempDir('contract-towers');
  const written = writeSpec(dir, TOWERS_SPEC());
  const root = join(dir, 'runs');
  const tf = await trainNewRun({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: root }, { mode: 'silent', backend: 'cpu', stop: manualStop(), umap: false });
  const pt = await trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: root }, pytorch());
  assert.equal(tf.status, 'completed', JSON.stringify(readRunRecord(tf.runDir).error));
  assert.equal(pt.status, 'completed', JSON.stringify(readRunRecord(pt.runDir).error));
  const [a, b] = [summarizeRun(tf.runDir), summarizeRun(pt.runDir)];
  assert.deepEqual([a.record.engine, b.record.engine], ['tfjs', 'pytorch']);
  assert.deepEqual(keys(b.record), keys(a.record), 'run.json has the same fields');
  for (const s of [a, b]) {
    assert.equal(s.status, 'completed');
    assert.equal(s.record.stepsPerEpoch, 24);
    assert.equal(s.record.lastCheckpoint, 'checkpoints/step-00000048');
    assert.equal(s.hasEmbeddings, true);
  }
  // metrics.jsonl: the same line kinds, counts and keys; zero-shot and recall both ways at each evaluation.
  const [ma, mb] = [metrics(tf.runDir), metrics(pt.runDir)];
  for (const kind of ['step', 'eval'] as const) {
    const [la, lb] = [ma.filter((l) => l.kind === kind), mb.filter((l) => l.kind === kind)];
    assert.equal(lb.length, la.length, `${kind} lines`);
    assert.deepEqual(lb.map(keys), la.map(keys), `${kind} line keys`);
  }
  const evals = (lines: MetricLine[]) => lines.filter((l): l is EvalMetric => l.kind === 'eval');
  for (const e of evals(mb)) {
    assert.deepEqual(keys(e.crossModalRecallAtK!.aToB), ['1', '10', '5']);
    assert.deepEqual(keys(e.crossModalRecallAtK!.bToA), ['1', '10', '5']);
  }
  // Zero-shot on the 600 held-out pairs: chance is ~10 %; the engines differ only in their initial weights' draws.
  const [za, zb] = [evals(ma).at(-1)!.zeroShotAccuracy!, evals(mb).at(-1)!.zeroShotAccuracy!];
  t.diagnostic(`zero-shot accuracy: tfjs ${za}, PyTorch ${zb}`);
  assert.ok(zb > 0.6, `PyTorch zero-shot accuracy ${zb} is not well above chance`);
  assert.ok(Math.abs(zb - za) < 0.06, `zero-shot accuracy: PyTorch ${zb} vs tfjs ${za}`);
  // events.jsonl: the same events in the same order; PyTorch adds the maps the launcher computes.
  const names = (d: string) => events(d).map((e) => e.event);
  assert.deepEqual(names(pt.runDir), [...names(tf.runDir), 'embeddings']);
  // the same checkpoint folders and loop position; the tokenizer the TypeScript side built, beside spec.json
  const checkpoints = (d: string) => readdirSync(runPaths(d).checkpoints).sort();
  assert.deepEqual(checkpoints(pt.runDir), checkpoints(tf.runDir));
  assert.ok(existsSync(join(runPaths(pt.runDir).checkpoints, 'step-00000048', 'checkpoint.pt')));
  const tokenizer = (d: string) => readFileSync(join(d, 'tokenizer-b.json'), 'utf8');
  assert.equal(tokenizer(pt.runDir), tokenizer(tf.runDir));
  // embeddings: both towers' points (a/<id>, then b/<id>), L2-normalised, with the same header and sprite
  const [ea, eb] = [readEmbeddings(tf.runDir), readEmbeddings(pt.runDir)];
  assert.deepEqual(eb.samples, ea.samples);
  assert.deepEqual(eb.meta, ea.meta);
  assert.equal(eb.meta.count, 6000);
  assert.ok(eb.samples.ids[0]!.startsWith('a/') && eb.samples.ids[3000]!.startsWith('b/'));
  for (let i = 0; i < eb.meta.count; i += 997) {
    const norm = Math.hypot(...eb.vectors.subarray(i * 64, (i + 1) * 64));
    assert.ok(Math.abs(norm - 1) < 1e-4, `row ${i} has norm ${norm}`);
  }
  assert.equal(readProjection(pt.runDir, 'pca')?.length, 6000 * 2);
  assert.ok(existsSync(runPaths(pt.runDir).sprite));
});

test('two towers on PyTorch: a stop mid-epoch checkpoints, resume continues to the same losses, and a NaN loss fails the run', { skip }, async () => {
  const dir = tempDir('contract-towers-stop');
  const text = TOWERS_SPEC({ loss: '{ type: siglip }' });
  const whole = await trainPyTorch(dir, text);
  assert.equal(whole.status, 'completed');
  const stop = manualStop();
  const written = writeSpec(dir, text);
  const outcome = await trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, { ...pytorch(stop), onStep: (step) => step === 3 && stop.request('SIGTERM') });
  assert.equal(outcome.status, 'stopped');
  const record = readRunRecord(outcome.runDir);
  assert.ok(record.step >= 3 && record.step < 48, `stopped at step ${record.step}`);
  assert.equal(record.lastCheckpoint, `checkpoints/step-${String(record.step).padStart(8, '0')}`);
  const resumed = await resumeWithPyTorch(outcome.runDir, pytorch());
  assert.equal(resumed.status, 'completed');
  const losses = (d: string) => metrics(d).filter((l) => l.kind === 'step').map((l) => [l.step, l.epoch, (l as { loss: number }).loss]);
  assert.deepEqual(losses(outcome.runDir), losses(whole.runDir));
  const zeroShot = (d: string) => metrics(d).filter((l): l is EvalMetric => l.kind === 'eval').map((l) => l.zeroShotAccuracy);
  assert.deepEqual(zeroShot(outcome.runDir), zeroShot(whole.runDir));
  assert.ok(events(outcome.runDir).some((e) => e.event === 'resumed' && e.message.startsWith(`resumed from ${record.lastCheckpoint}`)));

  // Finite numbers whose squares overflow float32 (unscaled), paired with captions from a .csv: the run fails at its first step with error.kind nonFinite.
  const rows = ['x,y,caption'];
  for (let i = 0; i < 40; i++) rows.push(`${i % 2 === 0 ? 3e38 : -3e38},${3e38},a point of class ${i % 4}`);
  writeFileSync(join(dir, 'huge.csv'), rows.join('\n'));
  const nan = await trainPyTorch(dir, `experiment: towers-nan
data:
  pairs: { source: huge.csv, a: { numeric: [x, y] }, b: { text: caption } }
  normalize: none
loss: { type: infoNCE, temperature: 0.1 }
architecture:
  towers: { a: { type: network, backbone: { type: mlp, layers: [8] }, representationSize: 8, projection: null }, b: { type: text, tokenSize: 8, embeddingSize: 8 } }
strategy: { epochs: 1, batchSize: 8 }
`);
  assert.equal(nan.status, 'failed');
  const failed = readRunRecord(nan.runDir);
  assert.equal(failed.error?.kind, 'nonFinite', JSON.stringify(failed.error));
  assert.match(failed.error!.message, /became (NaN|Infinity|-Infinity|non-finite) at step \d+ \(epoch 1/);
  assert.ok(events(nan.runDir).some((e) => e.event === 'nan' && e.level === 'error'));
});

test('PyTorch: a stop mid-epoch checkpoints, and resume continues to the same losses as a run that never stopped', { skip }, async () => {
  const dir = tempDir('contract-stop');
  const text = SPEC({ epochs: 2, limit: 2000 });
  const whole = await trainPyTorch(dir, text);
  assert.equal(whole.status, 'completed');

  // Asked at the third step line: the engine finishes the step it is in (or a few more while the signal travels).
  const stop = manualStop();
  const written = writeSpec(dir, text);
  const outcome = await trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, { ...pytorch(stop), onStep: (step) => step === 3 && stop.request('SIGTERM') });
  assert.equal(outcome.status, 'stopped');
  const record = readRunRecord(outcome.runDir);
  assert.ok(record.step >= 3 && record.step < 60, `stopped at step ${record.step}`);
  assert.equal(record.lastCheckpoint, `checkpoints/step-${String(record.step).padStart(8, '0')}`);
  assert.equal(summarizeRun(outcome.runDir).status, 'stopped');
  assert.ok(events(outcome.runDir).some((e) => e.event === 'stopping' && /SIGTERM/.test(e.message)));

  const resumed = await resumeWithPyTorch(outcome.runDir, pytorch());
  assert.equal(resumed.status, 'completed');
  const losses = (d: string) => metrics(d).filter((l) => l.kind === 'step').map((l) => [l.step, l.epoch, (l as { loss: number }).loss]);
  assert.deepEqual(losses(outcome.runDir), losses(whole.runDir));
  assert.ok(events(outcome.runDir).some((e) => e.event === 'resumed' && e.message.startsWith(`resumed from ${record.lastCheckpoint}`)));
  await assert.rejects(resumeWithPyTorch(outcome.runDir, pytorch()), /has completed; there is nothing to resume/);
});

test('PyTorch: a NaN loss fails the run with error.kind nonFinite at its step', { skip }, async () => {
  const dir = tempDir('contract-nan');
  // Finite inputs whose squares overflow float32 (as the tfjs trainer's NaN test).
  const rows = ['x,y,label'];
  for (let i = 0; i < 40; i++) rows.push(`${i % 2 === 0 ? 3e38 : -3e38},${3e38},${i % 4}`);
  writeFileSync(join(dir, 'huge.csv'), rows.join('\n'));
  const outcome = await trainPyTorch(dir, vectorSpec('huge.csv'));
  assert.equal(outcome.status, 'failed');
  const record = readRunRecord(outcome.runDir);
  assert.equal(record.error?.kind, 'nonFinite');
  assert.match(record.error!.message, /became (NaN|Infinity|-Infinity|non-finite) at step \d+ \(epoch 1/);
  assert.equal(record.error!.where, `step ${record.error!.step} (epoch 1)`);
  assert.equal(record.pid, null);
  assert.ok(events(outcome.runDir).some((e) => e.event === 'nan' && e.level === 'error'));
  assert.equal(summarizeRun(outcome.runDir).status, 'failed');
});

test('PyTorch: an ingredient the engine lacks is refused naming the field, before a run directory exists', { skip }, async () => {
  const dir = tempDir('contract-unsupported');
  // The engine implements every ingredient of this schema: a loss from a newer one stands in.
  const written = writeSpec(dir, SPEC());
  const spec = { ...written.spec, loss: { type: 'arcFace', margin: 0.5 } } as unknown as typeof written.spec;
  await assert.rejects(trainWithPyTorch({ spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, pytorch()), (e: unknown) => {
    assert.ok(e instanceof PythonEngineError);
    assert.match(e.message, /loss\.type "arcFace" is not mirrored in PyTorch yet.*run\.engine: tfjs/);
    return true;
  });
  assert.equal(existsSync(join(dir, 'runs')), false);
});

test('a missing interpreter, a missing torch and a torch older than 1.13 each say what to install', async () => {
  const dir = tempDir('contract-python');
  const fake = (name: string, body: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  await assert.rejects(probeTorch(join(dir, 'no-such-python')), /was not found.*apt-get install python3-torch/s);
  await assert.rejects(probeTorch(fake('no-torch', `echo "ModuleNotFoundError: No module named 'torch'" >&2; exit 1`)), /cannot import torch.*apt-get install python3-torch/s);
  await assert.rejects(probeTorch(fake('old-torch', 'echo 1.12.1')), /needs torch ≥ 1\.13, but .* has torch 1\.12\.1.*pip install "torch>=1\.13"/s);
  assert.equal(await probeTorch(fake('new-torch', 'echo 2.3.0+cpu')), '2.3.0+cpu');
  // train starts the engine itself (it says which torch it imported): the same messages, and no run directory
  const train = (python: string) => {
    const written = writeSpec(dir, SPEC());
    return trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, { ...pytorch(), python });
  };
  await assert.rejects(train(join(dir, 'no-such-python')), (e: Error) => e instanceof PythonEngineError && /was not found.*apt-get install python3-torch/s.test(e.message));
  await assert.rejects(train(join(dir, 'no-torch')), (e: Error) => e instanceof PythonEngineError && /cannot import torch.*apt-get install python3-torch/s.test(e.message));
  await assert.rejects(train(fake('old-engine', 'echo \'{"kind": "engine", "torch": "1.12.1"}\'; cat >/dev/null')), (e: Error) => e instanceof PythonEngineError && /needs torch ≥ 1\.13, but .* has torch 1\.12\.1/s.test(e.message));
  assert.equal(existsSync(join(dir, 'runs')), false);
});
