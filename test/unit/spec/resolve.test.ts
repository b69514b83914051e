// Resolving applies the documented defaults and freezes the result.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOSS_TYPES, type LossSpec } from '../../../server/spec';
import { check } from './helpers';

const resolve = (text: string) => {
  const result = check(text, { fileExists: () => true });
  assert.deepEqual(result.problems.map((p) => `${p.ruleId}: ${p.message}`), []);
  return result.spec!;
};

test('`experiment: x` alone resolves to SupCon + MLP on the built-in digits', () => {
  const spec = resolve('experiment: x\n');
  assert.equal(spec.experiment, 'x');
  assert.equal(spec.description, '');
  assert.deepEqual(spec.data, { source: 'builtin:digits', format: 'builtin', labelColumn: null, useLabels: true, labelFraction: 1, split: { testFraction: 0.2, seed: 0 }, imageSize: 28, channels: 1, normalize: 'zeroOne', limit: null, pairs: null });
  assert.equal(spec.pairs.positives, 'labels');
  assert.deepEqual(spec.pairs.negatives, { type: 'batch' });
  assert.deepEqual(spec.pairs.sampler, { type: 'random' });
  assert.deepEqual(spec.pairs.mining, { type: 'none' });
  assert.ok(spec.pairs.views.strong.length > 0);
  assert.deepEqual(spec.distance, { type: 'cosine' });
  assert.deepEqual(spec.loss, { type: 'supCon', temperature: 0.1 });
  assert.deepEqual(spec.architecture.backbone, { type: 'mlp', layers: [256], activation: 'relu', batchNorm: false, dropout: 0 });
  assert.equal(spec.architecture.representationSize, 128);
  assert.deepEqual(spec.architecture.projection, { layers: [128, 64], batchNorm: false, activation: 'relu' });
  assert.equal(spec.architecture.prediction, null);
  assert.equal(spec.architecture.normalizeOutput, true);
  assert.deepEqual(spec.strategy.optimizer, { type: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });
  assert.equal(spec.strategy.epochs, 5);
  assert.equal(spec.strategy.batchSize, 256);
  assert.equal(spec.strategy.stopGradient, false);
  assert.equal(spec.strategy.ema, null);
  assert.equal(spec.strategy.targetTemperature, null);
  assert.equal(spec.strategy.gradientClipNorm, null);
  assert.deepEqual(spec.eval.knn, { k: 20, temperature: 0.07 });
  assert.equal(spec.eval.linearProbe, null);
  assert.equal(spec.eval.layer, 'representation');
  assert.deepEqual(spec.run, { name: 'x', outputDir: 'runs', engine: 'tfjs', backend: 'auto', threads: 0, checkpointEvery: 1, device: 'auto', processes: 1, syncBatchNorm: false });
});

test('each loss gets its documented (pytorch-metric-learning / paper) defaults', () => {
  const expected: Record<LossSpec['type'], LossSpec> = {
    contrastive: { type: 'contrastive', posMargin: 0, negMargin: 1 },
    triplet: { type: 'triplet', margin: 0.05, swap: false, smoothLoss: false },
    nPairs: { type: 'nPairs' },
    liftedStructure: { type: 'liftedStructure', posMargin: 0, negMargin: 1 },
    generalizedLiftedStructure: { type: 'generalizedLiftedStructure', posMargin: 0, negMargin: 1 },
    infoNCE: { type: 'infoNCE', temperature: 0.07 },
    supCon: { type: 'supCon', temperature: 0.1 },
    circle: { type: 'circle', m: 0.4, gamma: 80 },
    softNearestNeighbor: { type: 'softNearestNeighbor', temperature: 1, learnTemperature: false },
    multiSimilarity: { type: 'multiSimilarity', alpha: 2, beta: 50, base: 0.5 },
    vicreg: { type: 'vicreg', invarianceWeight: 25, varianceWeight: 25, covarianceWeight: 1, eps: 1e-4 },
    barlowTwins: { type: 'barlowTwins', lambda: 5e-3 },
    siglip: { type: 'siglip', logitScale: Math.log(10), logitBias: -10, learnable: true },
    negativeCosine: { type: 'negativeCosine', form: 'simsiam' },
    nce: { type: 'nce', temperature: 0.1, logNormalizer: 0, learnable: false },
    crossEntropy: { type: 'crossEntropy', labelSmoothing: 0 },
  };
  assert.deepEqual(Object.keys(expected).sort(), [...LOSS_TYPES].sort());
  for (const type of LOSS_TYPES) {
    const spec = check(`experiment: x\nloss: { type: ${type} }\n`).spec ?? check(`experiment: x\nloss: { type: ${type} }\npairs: { negatives: { type: none } }\narchitecture: { prediction: { layers: [32, 64] } }\nstrategy: { stopGradient: true }\n`).spec;
    assert.ok(spec, type);
    assert.deepEqual(spec.loss, expected[type], type);
  }
});

test('ingredient defaults: queue 4096, m-per-class 4, EMA 0.99 → 1, target temperatures 0.04 / 0.1', () => {
  const spec = resolve('experiment: x\npairs:\n  negatives: { type: queue }\n  sampler: { type: mPerClass }\nstrategy:\n  batchSize: 40\n  stopGradient: true\n  ema: {}\n');
  assert.deepEqual(spec.pairs.negatives, { type: 'queue', size: 4096 });
  assert.deepEqual(spec.pairs.sampler, { type: 'mPerClass', m: 4 });
  assert.deepEqual(spec.strategy.ema, { tauStart: 0.99, tauEnd: 1 });
  // A separate spec: with a queue, target-temperature-with-queue warns that MoCo does not apply it.
  const withTargetTemperature = resolve('experiment: x\nstrategy:\n  targetTemperature: {}\n');
  assert.deepEqual(withTargetTemperature.strategy.targetTemperature, { teacher: 0.04, student: 0.1 });
});

test('written values win over defaults, nested defaults fill the rest', () => {
  const spec = resolve('experiment: x\nstrategy:\n  optimizer: { type: sgd, learningRate: 0.1 }\nrun: { name: my-run }\n');
  assert.deepEqual(spec.strategy.optimizer, { type: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0.0001 });
  assert.equal(spec.run.name, 'my-run');
});

test('derived defaults: format from the source, vector views for csv data', () => {
  const spec = resolve('experiment: x\ndata: { source: rows.csv, labelColumn: y, useLabels: false }\npairs: { positives: augmentation }\nloss: { type: infoNCE }\n');
  assert.equal(spec.data.format, 'csv');
  assert.deepEqual(spec.pairs.views.strong.map((op) => op.type), ['featureNoise', 'featureMask']);
  assert.equal(resolve('experiment: x\ndata: { source: pics }\n').data.format, 'images');
  assert.equal(resolve('experiment: x\ndata: { source: rows.jsonl, labelColumn: y }\n').data.format, 'jsonl');
});

test('the resolved spec is deeply frozen', () => {
  const spec = resolve('experiment: x\n');
  assert.ok(Object.isFrozen(spec));
  assert.ok(Object.isFrozen(spec.architecture.backbone));
  assert.ok(Object.isFrozen(spec.pairs.views.strong[0]));
  assert.throws(() => {
    (spec.strategy as { epochs: number }).epochs = 1;
  }, TypeError);
});
