// Two towers trained from a spec (issue 14): a CLIP-style run on builtin:digits-captions reaches a
// zero-shot accuracy far above chance on a small budget and stores both towers and the tokenizer; a
// stopped run resumes to the same figures and weights as one that never stopped; a locked tower loaded
// from a SimCLR run leaves training bit for bit as that run left it; chance-level zero-shot is loud;
// a pairs file with a bad row fails the run naming path:line and the side.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import type { EvalMetric, MetricLine, RunEvent } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { checkSpecText } from '../../../server/spec/check';
import { reembedRun } from '../../../server/trainer/afterRun';
import { loadLatestCheckpoint } from '../../../server/trainer/checkpoint';
import { resumeRun, trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, writeSpec } from './helpers';

const controls = { mode: 'silent' as const, backend: 'wasm' as const, threads: 1, umap: false };

function towersSpec(o: { loss?: string; limit?: number; epochs?: number; lr?: number; towerA?: string } = {}): string {
  return `experiment: towers
data:
  pairs: { source: builtin:digits-captions }
  limit: ${o.limit ?? 3000}
  split: { testFraction: 0.2, seed: 0 }
loss: ${o.loss ?? '{ type: infoNCE, temperature: 0.1 }'}
architecture:
  towers:
    a:
${o.towerA ?? `      type: network
      backbone: { type: mlp, layers: [128] }
      representationSize: 32
      projection: { layers: [32] }`}
    b: { type: text, tokenSize: 16, embeddingSize: 32 }
strategy:
  optimizer: { type: adam, learningRate: ${o.lr ?? 0.003} }
  schedule: { type: constant }
  epochs: ${o.epochs ?? 3}
  batchSize: 100
  seed: 3
run: { threads: 1 }
`;
}

const evals = (runDir: string): EvalMetric[] => readJsonLines<MetricLine>(runPaths(runDir).metrics).lines.filter((l): l is EvalMetric => l.kind === 'eval');
const events = (runDir: string): RunEvent[] => readJsonLines<RunEvent>(runPaths(runDir).events).lines;

before(async () => {
  await initBackend('wasm');
});

test('CLIP across two towers on digits-captions: zero-shot far above chance on a small budget; both towers and the tokenizer stored', async (t) => {
  const dir = tempDir('towers');
  const { path, spec, text } = writeSpec(dir, towersSpec());
  const started = Date.now();
  const outcome = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'runs') }, { ...controls, stop: manualStop() });
  assert.equal(outcome.status, 'completed', JSON.stringify(outcome.record.error));
  const last = evals(outcome.runDir).at(-1)!;
  t.diagnostic(`2,400 train / 600 held-out pairs, 3 epochs × 24 steps of 100, ${((Date.now() - started) / 1000).toFixed(1)} s: zero-shot ${(last.zeroShotAccuracy! * 100).toFixed(1)} %, image→caption R@1/5/10 ${['1', '5', '10'].map((k) => last.crossModalRecallAtK!.aToB[k]!.toFixed(3)).join('/')}, caption→image ${['1', '5', '10'].map((k) => last.crossModalRecallAtK!.bToA[k]!.toFixed(3)).join('/')}`);
  assert.ok(last.zeroShotAccuracy! > 0.5, `zero-shot ${last.zeroShotAccuracy} is not well above chance (0.1)`);
  assert.deepEqual(Object.keys(last.crossModalRecallAtK!.aToB), ['1', '5', '10']);
  assert.ok(last.crossModalRecallAtK!.aToB['10']! > 0.5, 'image→caption R@10 far above chance (0.1)');
  assert.equal(last.knnAccuracy, null);
  assert.equal(outcome.record.learning?.state, 'healthy');
  const tokenizer = JSON.parse(readFileSync(join(outcome.runDir, 'tokenizer-b.json'), 'utf8')) as { vocabulary: string[] };
  assert.equal(tokenizer.vocabulary[0], '<unk>');
  assert.ok(tokenizer.vocabulary.includes('seven') && tokenizer.vocabulary.includes('7'));
  const checkpoint = loadLatestCheckpoint(outcome.runDir)!;
  assert.ok((checkpoint.groups['towerA'] ?? []).length > 0 && (checkpoint.groups['towerB'] ?? []).length === 3, 'both towers in the checkpoint');
  assert.deepEqual((checkpoint.state.extra['tokenizers'] as { b: { vocabulary: string[] } }).b.vocabulary, tokenizer.vocabulary);
  assert.match(events(outcome.runDir).at(-1)!.message, /run completed: zero-shot accuracy \d+\.\d\d%/);
  // Both towers' points in one embeddings file: side a's then side b's, pair for pair, unit length.
  const meta = JSON.parse(readFileSync(join(runPaths(outcome.runDir).embeddings, 'meta.json'), 'utf8')) as { count: number; dim: number; sprite: unknown };
  assert.deepEqual([meta.count, meta.dim], [6000, 32]);
  assert.ok(meta.sprite !== null, 'caption points show their partner image');
  const samples = JSON.parse(readFileSync(join(runPaths(outcome.runDir).embeddings, 'samples.json'), 'utf8')) as { ids: string[]; labels: number[]; split: string[] };
  assert.equal(samples.ids[3000], samples.ids[0]!.replace(/^a\//, 'b/'));
  assert.equal(samples.labels[3000], samples.labels[0]);
  assert.equal(samples.split[3000], samples.split[0]);
  const vectors = new Float32Array(readFileSync(join(runPaths(outcome.runDir).embeddings, 'vectors.f32')).buffer.slice(0));
  assert.ok(Math.abs(Math.hypot(...vectors.subarray(3000 * 32, 3001 * 32)) - 1) < 1e-5);
  // One-tower readers of a run's network say what they cannot do, instead of a tensor-count mismatch.
  const init = checkSpecText(`experiment: y\ninit: { from: ${outcome.runDir} }\n`, join(dir, 'y.contrastive.yaml')).problems.find((p) => p.ruleId === 'init-source');
  assert.match(init?.message ?? '', /is a two-tower run; init loads the network of a one-tower run/);
  await assert.rejects(reembedRun(outcome.runDir, { backend: 'wasm', umap: false }), /is a two-tower run \(architecture\.towers\): writing embeddings/);
});

test('a stopped two-tower run resumes to the same metrics and weights as one that never stopped', async () => {
  const dir = tempDir('towers-resume');
  const { path, spec, text } = writeSpec(dir, towersSpec({ loss: '{ type: siglip }', limit: 1000, epochs: 2 }));
  const whole = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'whole') }, { ...controls, stop: manualStop() });
  assert.equal(whole.status, 'completed', JSON.stringify(whole.record.error));
  const stop = manualStop();
  const first = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'split') }, { ...controls, stop, onStep: (step) => step === 5 && stop.request('SIGTERM') });
  assert.equal(first.status, 'stopped');
  const resumed = await resumeRun(first.runDir, { ...controls, stop: manualStop() });
  assert.equal(resumed.status, 'completed', JSON.stringify(resumed.record.error));
  const trace = (runDir: string) => readJsonLines<MetricLine>(runPaths(runDir).metrics).lines.map((l) => ({ ...l, time: 0, ...(l.kind === 'step' ? { samplesPerSec: 0 } : {}) }));
  assert.deepEqual(trace(first.runDir), trace(whole.runDir));
  const weights = (runDir: string) => {
    const c = loadLatestCheckpoint(runDir)!;
    return ['towerA', 'towerB', 'loss', 'optimizer'].flatMap((g) => (c.groups[g] ?? []).map((s) => s.values));
  };
  const [a, b] = [weights(whole.runDir), weights(first.runDir)];
  assert.equal(a.length, b.length);
  a.forEach((w, i) => assert.deepEqual(b[i], w, `tensor ${i} differs`));
});

test('SigLIT: the locked image tower, loaded from a SimCLR run, is bit for bit that run\'s network after training; the text tower learns', async (t) => {
  const dir = tempDir('siglit');
  const simclr = writeSpec(dir, `experiment: simclr
data: { source: builtin:digits, useLabels: false, limit: 2000 }
pairs: { positives: augmentation, negatives: { type: batch } }
loss: { type: infoNCE, temperature: 0.2 }
architecture:
  backbone: { type: mlp, layers: [64], batchNorm: true }
  representationSize: 32
  projection: { layers: [32] }
strategy: { epochs: 2, batchSize: 100, seed: 1 }
run: { threads: 1, outputDir: runs/simclr }
`, 'simclr.contrastive.yaml');
  const pre = await trainNewRun({ spec: simclr.spec, specPath: simclr.path, specText: simclr.text, outRoot: join(dir, 'runs', 'simclr') }, { ...controls, stop: manualStop() });
  assert.equal(pre.status, 'completed', JSON.stringify(pre.record.error));
  const towerA = `      type: network
      backbone: { type: mlp, layers: [64], batchNorm: true }
      representationSize: 32
      projection: { layers: [32] }
      locked: true
      init: { from: runs/simclr }`;
  const siglit = writeSpec(dir, towersSpec({ loss: '{ type: siglip }', limit: 2000, epochs: 3, lr: 0.01, towerA }), 'siglit.contrastive.yaml');
  const outcome = await trainNewRun({ spec: siglit.spec, specPath: siglit.path, specText: siglit.text, outRoot: join(dir, 'runs', 'siglit') }, { ...controls, stop: manualStop() });
  assert.equal(outcome.status, 'completed', JSON.stringify(outcome.record.error));
  const source = loadLatestCheckpoint(pre.runDir)!.groups['model']!;
  const trained = loadLatestCheckpoint(outcome.runDir)!.groups['towerA']!;
  // Every weight, batch-norm statistics included, in the network's order.
  assert.equal(trained.length, source.length);
  trained.forEach((w, i) => assert.deepEqual(w.values, source[i]!.values, `image tower tensor ${i} changed`));
  const before = evals(outcome.runDir)[0]!;
  const after = evals(outcome.runDir).at(-1)!;
  t.diagnostic(`SigLIT zero-shot ${(before.zeroShotAccuracy! * 100).toFixed(1)} % after epoch 1, ${(after.zeroShotAccuracy! * 100).toFixed(1)} % after epoch 3`);
  assert.ok(after.zeroShotAccuracy! > 0.4 && after.zeroShotAccuracy! > before.zeroShotAccuracy!, `the text tower learned to point at the locked image space: zero-shot ${after.zeroShotAccuracy} (from ${before.zeroShotAccuracy})`);
  assert.ok(events(outcome.runDir).some((e) => e.message === 'init: tower a from runs/simclr (locked)'));
});

test('zero-shot at chance level is loud: a warning event and a completed run that says it learned nothing', async () => {
  const dir = tempDir('towers-chance');
  const { path, spec, text } = writeSpec(dir, towersSpec({ limit: 600, epochs: 1, lr: 1e-9 }));
  const outcome = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'runs') }, { ...controls, stop: manualStop() });
  assert.equal(outcome.status, 'completed');
  const chance = events(outcome.runDir).find((e) => e.event === 'chance');
  assert.ok(chance && chance.level === 'warning', 'a chance event');
  assert.match(chance.message, /zero-shot accuracy .* is at chance level/);
  assert.equal(outcome.record.learning?.state, 'chance');
  assert.match(events(outcome.runDir).at(-1)!.message, /but it learned nothing useful \(chance-level zero-shot at epoch 1\)/);
});

test('a pairs file with a bad row fails the run at path:line, naming the side and the column', async () => {
  const dir = tempDir('towers-bad');
  mkdirSync(join(dir, 'images'));
  for (const name of ['cat', 'dog', 'missing']) writeFileSync(join(dir, 'images', `${name}.png`), 'png');
  writeFileSync(join(dir, 'pairs.csv'), 'image,caption\nimages/cat.png,a cat\nimages/dog.png,a dog\nimages/missing.png,a bird\n');
  const { path, spec, text } = writeSpec(dir, towersSpec().replace('pairs: { source: builtin:digits-captions }', 'pairs: { source: pairs.csv, a: { image: image }, b: { text: caption } }').replace('batchSize: 100', 'batchSize: 2'));
  // The spec checked clean (rule pairs-file-rows reads the rows too); the image goes before training.
  rmSync(join(dir, 'images', 'missing.png'));
  const outcome = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'runs') }, { ...controls, stop: manualStop() });
  assert.equal(outcome.status, 'failed');
  const message = outcome.record.error?.message ?? '';
  assert.match(message, /pairs\.csv:4/);
  assert.match(message, /side a/);
  assert.match(message, /"image"/);
  assert.equal(existsSync(join(outcome.runDir, 'tokenizer-b.json')), false);
});

test('a two-tower run leaves no tensor behind (towers, loss parameters, optimiser slots, evaluation, embeddings)', async () => {
  const dir = tempDir('towers-leak');
  const { path, spec, text } = writeSpec(dir, towersSpec({ loss: '{ type: siglip }', limit: 400, epochs: 1 }));
  const before = tf.memory().numTensors;
  const outcome = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'runs') }, { ...controls, stop: manualStop() });
  assert.equal(outcome.status, 'completed', JSON.stringify(outcome.record.error));
  assert.equal(tf.memory().numTensors, before);
});
