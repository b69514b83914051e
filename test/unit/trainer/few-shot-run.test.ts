// eval.fewShot and eval.labelEfficiency in a real run on digits, on both engines: every evaluation
// line carries the few-shot figures (more shots score higher), the last one the label-efficiency
// curve (more labels score higher, kNN and the probe alike); a shot count the held-out split is
// too small for is left out with a warning that says why. PyTorch is skipped (with the reason)
// only where /usr/bin/python3 cannot import torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EvalMetric, MetricLine, RunEvent } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { trainWithPyTorch } from '../../../server/trainer/engines/pytorch';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, writeSpec } from './helpers';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const noTorch = probe.status === 0 ? false : `${PYTHON} cannot import torch; install python3-torch to test the PyTorch engine`;

const SPEC = `experiment: few-shot
data:
  source: builtin:digits
  limit: 2000
  split: { testFraction: 0.25, seed: 0 }
pairs:
  positives: labels
  negatives: { type: batch }
loss: { type: supCon, temperature: 0.1 }
architecture:
  backbone: { type: mlp, layers: [128] }
  representationSize: 32
  projection: { layers: [32] }
strategy:
  optimizer: { type: adam, learningRate: 0.002 }
  epochs: 2
  batchSize: 100
eval:
  knn: { k: 10, temperature: 0.07 }
  fewShot: { ways: 5, shots: [1, 5, 40], episodes: 200, queries: 15, seed: 3 }
  labelEfficiency: { fractions: [0.01, 0.1, 1], epochs: 20 }
`;

function check(runDir: string, engine: string): void {
  const evals = readJsonLines<MetricLine>(runPaths(runDir).metrics).lines.filter((l): l is EvalMetric => l.kind === 'eval');
  assert.equal(evals.length, 2, `${engine}: an evaluation after each epoch`);
  for (const line of evals) {
    // 500 held-out digits: about 50 per class, too few for 40 shots + 15 queries.
    assert.deepEqual(Object.keys(line.fewShot ?? {}), ['5way-1shot', '5way-5shot'], `${engine} epoch ${line.epoch}`);
    const [one, five] = [line.fewShot!['5way-1shot']!, line.fewShot!['5way-5shot']!];
    assert.ok(one.accuracy > 0.5 && five.accuracy > one.accuracy, `${engine} epoch ${line.epoch}: 1-shot ${one.accuracy}, 5-shot ${five.accuracy}`);
    for (const f of [one, five]) assert.ok(f.ci95 > 0 && f.ci95 < 0.05 && f.episodes === 200, `${engine}: ${JSON.stringify(f)}`);
  }
  assert.equal(evals[0]!.labelEfficiency, null, `${engine}: the curve is drawn at the last evaluation only`);
  const curve = evals[1]!.labelEfficiency!;
  assert.deepEqual(curve.map((p) => p.fraction), [0.01, 0.1, 1], engine);
  // Stratified: a fraction of each class (rounded), at least one label per class.
  const [few, some, all] = curve.map((p) => p.labels);
  assert.ok(few! >= 10 && few! <= 25 && Math.abs(some! - 150) <= 5 && all === 1500, `${engine}: labels ${curve.map((p) => p.labels).join(', ')}`);
  for (const series of ['knn', 'linearProbe'] as const) {
    const [low, mid, all] = curve.map((p) => p[series]);
    assert.ok(low! > 0.3 && mid! >= low! - 0.02 && all! >= mid! - 0.02 && all! > low!, `${engine} ${series} is not rising with the labels: ${curve.map((p) => p[series]).join(', ')}`);
  }
  const warnings = readJsonLines<RunEvent>(runPaths(runDir).events).lines.filter((e) => e.event === 'log' && e.message.includes('eval.fewShot'));
  assert.equal(warnings.length, 1, `${engine}: one warning for the 40-shot figure`);
  assert.match(warnings[0]!.message, /5-way 40-shot episodes need 5 classes with at least 55 held-out samples each .* left out of the evaluations/);
}

test('tfjs: few-shot figures at every evaluation and the label-efficiency curve at the last', async () => {
  const dir = tempDir('few-shot-run');
  const written = writeSpec(dir, SPEC);
  const outcome = await trainNewRun({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, { mode: 'silent', backend: null, stop: manualStop(), umap: false });
  assert.equal(outcome.status, 'completed', JSON.stringify(outcome.record.error));
  check(outcome.runDir, 'tfjs');
});

test('PyTorch: the same figures under the same names', { skip: noTorch }, async () => {
  const dir = tempDir('few-shot-run-pt');
  const written = writeSpec(dir, SPEC);
  const outcome = await trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, { mode: 'silent', stop: manualStop(), umap: false, threads: 1, python: PYTHON });
  assert.equal(outcome.status, 'completed', JSON.stringify(outcome.record.error));
  check(outcome.runDir, 'pytorch');
});
