// Both engines evaluate the same frozen embeddings alike: the PyTorch engine's few-shot evaluation
// draws the very episodes the TypeScript code draws from the same seed (so its accuracies agree to
// rounding), its label-efficiency curve keeps the very same labelled rows (kNN agrees to rounding,
// the linear probe — trained with each engine's own minibatch order — within a few points).
// Skipped (with the reason) only where /usr/bin/python3 cannot import torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { initBackend } from '../../../server/contrastive/backend';
import { embeddingMatrix } from '../../../server/contrastive/eval/embeddingMatrix';
import { drawEpisodes, fewShotAccuracy, fewShotKey } from '../../../server/contrastive/eval/fewShot';
import { labelEfficiency, labelledSubset, type LabelEfficiencyPoint } from '../../../server/contrastive/eval/labelEfficiency';
import { Random } from '../../../server/contrastive/random';
import { tempDir } from '../trainer/helpers';

const PYTHON = '/usr/bin/python3';
const ROOT = join(__dirname, '..', '..', '..');
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch (${(probe.stderr ?? '').trim().split('\n').pop() || `exit ${probe.status}`}); install python3-torch to test the PyTorch engine`;

/** Noisy class clusters: informative but not separable, so accuracies sit between chance and 100 %. */
function clusters(centres: readonly number[], perClass: number, classes: number, dim: number, seed: number): { data: Float32Array; labels: Int32Array } {
  const rng = new Random(seed);
  const labels = Int32Array.from({ length: perClass * classes }, (_, i) => i % classes);
  const data = new Float32Array(labels.length * dim);
  labels.forEach((label, row) => {
    for (let j = 0; j < dim; j++) data[row * dim + j] = (centres[label * dim + j] as number) + rng.normal(0, 0.9);
  });
  return { data, labels };
}

interface PythonResult {
  readonly episodes: Record<string, [number[], number[][], number[][]][]>;
  readonly fewShot: Record<string, { accuracy: number; ci95: number; episodes: number }>;
  readonly subsets: Record<string, number[]>;
  readonly labelEfficiency: LabelEfficiencyPoint[];
}

const DIM = 16;
const centreRng = new Random(0);
const CENTRES = Array.from({ length: 10 * DIM }, () => centreRng.normal(0, 1));
const train = clusters(CENTRES, 60, 10, DIM, 1);
const held = clusters(CENTRES, 40, 10, DIM, 2);
const few = { ways: 5, shots: [1, 5], queries: 15, episodes: 300, seed: 11 };
const curve = { fractions: [0.01, 0.1, 1], epochs: 20, seed: 5, probeSeed: 42, knn: { k: 20, temperature: 0.07 } };

before(async () => {
  await initBackend('cpu');
});

/** The PyTorch engine's figures for these few-shot options (metric) and the curve above. */
function pythonEvaluation(metric: 'cosine' | 'euclidean'): PythonResult {
  const input = join(tempDir('eval-parity'), 'input.json');
  writeFileSync(input, JSON.stringify({
    dim: DIM, train: [...train.data], trainLabels: [...train.labels], test: [...held.data], testLabels: [...held.labels],
    fewShot: { ...few, metric }, labelEfficiency: { fractions: curve.fractions, epochs: curve.epochs, seed: curve.seed, probeSeed: curve.probeSeed, ...curve.knn },
  }));
  const env = { ...process.env, PYTHONPATH: join(ROOT, 'engines', 'pytorch'), OMP_NUM_THREADS: '1' };
  const r = spawnSync(PYTHON, [join(ROOT, 'engines', 'pytorch', 'tests', 'eval_parity.py'), input], { encoding: 'utf8', env, timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as PythonResult;
}

const testMatrix = embeddingMatrix(held.data, DIM);
let cosine: PythonResult | undefined;

test('few-shot: the PyTorch engine draws the same episodes and scores the same accuracies and intervals, on either distance', { skip }, () => {
  for (const metric of ['cosine', 'euclidean'] as const) {
    const py = pythonEvaluation(metric);
    if (metric === 'cosine') cosine = py;
    for (const shots of few.shots) {
      const key = fewShotKey(few.ways, shots);
      const episodes = [...drawEpisodes(held.labels, { ...few, shots })].slice(0, 3).map((e) => [e.classes, e.support, e.queries]);
      assert.deepEqual(py.episodes[key], episodes, `${key}: the same episodes from the same seed`);
      const ts = fewShotAccuracy(testMatrix, held.labels, { ...few, shots, metric });
      const pt = py.fewShot[key]!;
      assert.ok(ts.accuracy > 0.3 && ts.accuracy < 0.99, `${metric} ${key}: ${ts.accuracy} should be informative, not trivial`);
      assert.ok(Math.abs(pt.accuracy - ts.accuracy) < 1e-9, `${metric} ${key} accuracy: PyTorch ${pt.accuracy}, TypeScript ${ts.accuracy}`);
      assert.ok(Math.abs(pt.ci95 - ts.ci95) < 1e-9, `${metric} ${key} ci95: PyTorch ${pt.ci95}, TypeScript ${ts.ci95}`);
      assert.equal(pt.episodes, few.episodes);
    }
  }
});

test('label efficiency: the PyTorch engine keeps the same labelled rows; kNN agrees to rounding, the linear probe within 4 points', { skip }, () => {
  const py = cosine ?? pythonEvaluation('cosine');
  for (const fraction of curve.fractions) assert.deepEqual(py.subsets[String(fraction)], labelledSubset(train.labels, fraction, curve.seed), `the labelled rows at ${fraction}`);
  const ts = labelEfficiency(embeddingMatrix(train.data, DIM), train.labels, testMatrix, held.labels, curve);
  assert.deepEqual(py.labelEfficiency.map((p) => [p.fraction, p.labels]), ts.map((p) => [p.fraction, p.labels]));
  assert.deepEqual(ts.map((p) => p.labels), [10, 60, 600], 'at least one label per class, then the fraction of each class');
  assert.ok(ts.at(-1)!.knn > 0.9 && ts.at(-1)!.linearProbe > 0.9, `all labels: ${JSON.stringify(ts.at(-1))}`);
  ts.forEach((point, i) => {
    const other = py.labelEfficiency[i]!;
    assert.ok(Math.abs(other.knn - point.knn) <= 0.005, `kNN at ${point.fraction}: PyTorch ${other.knn}, TypeScript ${point.knn}`);
    assert.ok(Math.abs(other.linearProbe - point.linearProbe) <= 0.04, `linear probe at ${point.fraction}: PyTorch ${other.linearProbe}, TypeScript ${point.linearProbe}`);
  });
});
