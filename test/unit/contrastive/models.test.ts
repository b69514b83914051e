// Models built from an ArchitectureSpec: the outputs a trainer and the evaluation rely on, their
// normalisation, weight copies, and save/load in tfjs' own layers format.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { ContrastiveModel, fileSystemHandler } from '../../../server/contrastive/models';
import type { ArchitectureSpec, BackboneSpec } from '../../../server/spec/types';

const head = { layers: [16, 8], batchNorm: true, activation: 'relu' as const };

function arch(backbone: BackboneSpec, overrides: Partial<ArchitectureSpec> = {}): ArchitectureSpec {
  return { backbone, representationSize: 12, projection: head, prediction: { layers: [4, 8], batchNorm: false, activation: 'gelu' }, normalizeOutput: true, ...overrides };
}

const backbones: ReadonlyArray<{ spec: BackboneSpec; input: number[] }> = [
  { spec: { type: 'mlp', layers: [32, 16], activation: 'gelu', batchNorm: true, dropout: 0.2 }, input: [20] },
  { spec: { type: 'mlp', layers: [24], activation: 'tanh', batchNorm: false, dropout: 0 }, input: [8, 8, 1] },
  { spec: { type: 'convnet', channels: [4, 8], kernelSize: 3, activation: 'swish', batchNorm: true }, input: [12, 12, 1] },
  { spec: { type: 'resnet', channels: [4, 8], blocksPerStage: 2, activation: 'elu' }, input: [8, 8, 3] },
];

function rowNorms(t: tf.Tensor2D): number[] {
  return Array.from(tf.tidy(() => tf.norm(t, 'euclidean', 1)).dataSync());
}

before(async () => {
  await initBackend(process.env['CONTRASTIVE_LAB_BACKEND'] === 'cpu' ? 'cpu' : 'wasm');
});

test('every backbone gives representation, unit-norm projection and prediction of the specified sizes', () => {
  for (const { spec, input } of backbones) {
    const model = ContrastiveModel.build(arch(spec), input);
    const x = tf.randomNormal([5, ...input], 0, 1, 'float32', 3);
    const out = model.forward(x, { training: true });
    assert.deepEqual(out.representation.shape, [5, 12], spec.type);
    assert.deepEqual(out.projection.shape, [5, 8], spec.type);
    assert.deepEqual(out.prediction?.shape, [5, 8], spec.type);
    for (const n of [...rowNorms(out.projection), ...rowNorms(out.prediction!)]) assert.ok(Math.abs(n - 1) < 1e-4, `${spec.type}: norm ${n}`);
    tf.dispose([x, out.representation, out.projection, out.prediction!]);
    model.dispose();
  }
});

test('representation() gives the inference representation of every backbone, bit for bit, without the heads', () => {
  for (const { spec, input } of backbones) {
    const model = ContrastiveModel.build(arch(spec), input);
    const x = tf.randomNormal([6, ...input], 0, 1, 'float32', 5);
    // A training pass first, so that batch-norm moving statistics are not their initial values.
    tf.dispose(Object.values(model.forward(x, { training: true })));
    const full = model.forward(x, { training: false });
    const alone = model.representation(x);
    const [a, b] = [full.representation.dataSync(), alone.dataSync()];
    assert.deepEqual(alone.shape, [6, 12], spec.type);
    assert.ok(a.every((v, i) => Object.is(v, b[i])), `${spec.type}: representation() differs from forward()`);
    tf.dispose([x, alone, ...Object.values(full)]);
    model.dispose();
  }
});

test('without heads the loss sees the representation; normalizeOutput false leaves it raw', () => {
  const model = ContrastiveModel.build(arch(backbones[0]!.spec, { projection: null, prediction: null, normalizeOutput: false }), [20]);
  const x = tf.randomNormal([4, 20], 0, 3, 'float32', 4);
  const out = model.forward(x, { training: false });
  assert.equal(out.prediction, undefined);
  assert.deepEqual(Array.from(out.projection.dataSync()), Array.from(out.representation.dataSync()));
  assert.ok(rowNorms(out.projection).some((n) => Math.abs(n - 1) > 1e-3));
  model.dispose();
});

test('a convnet on vector data and mismatched head sizes are refused with a fix', () => {
  assert.throws(() => ContrastiveModel.build(arch(backbones[2]!.spec), [20]), /needs image data.*Use backbone type "mlp"/);
  assert.throws(() => ContrastiveModel.build(arch(backbones[0]!.spec, { prediction: { layers: [4, 5], batchNorm: false, activation: 'relu' } }), [20]), /make the last sizes equal/);
});

test('weights have stable names, clone() copies them, setWeights checks shapes', () => {
  const model = ContrastiveModel.build(arch(backbones[0]!.spec), [20]);
  const other = ContrastiveModel.build(arch(backbones[0]!.spec), [20]);
  assert.deepEqual(other.namedVariables().map((v) => v.name), model.namedVariables().map((v) => v.name));
  assert.ok(model.namedVariables().some((v) => v.name === 'representation/kernel'));
  const copy = model.clone();
  const x = tf.randomNormal([3, 20], 0, 1, 'float32', 5);
  assert.deepEqual(Array.from(copy.forward(x, { training: false }).projection.dataSync()), Array.from(model.forward(x, { training: false }).projection.dataSync()));
  const wrong = model.getWeights().map((w) => tf.zeros([w.size + 1]));
  assert.throws(() => model.setWeights(wrong), /has shape .* but got/);
  [model, other, copy].forEach((m) => m.dispose());
});

test('save() writes model.json + weights.bin that load() and plain tf.loadLayersModel both read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-model-'));
  try {
    for (const { spec, input } of backbones) {
      const model = ContrastiveModel.build(arch(spec), input);
      const x = tf.randomNormal([3, ...input], 0, 1, 'float32', 6);
      // A training step changes batch-norm statistics, which must be saved too.
      model.forward(x, { training: true });
      const expected = model.forward(x, { training: false });
      const where = join(dir, spec.type + input.length);
      await model.save(where);
      assert.ok(existsSync(join(where, 'weights.bin')));
      const json = JSON.parse(readFileSync(join(where, 'model.json'), 'utf8')) as { format: string; weightsManifest: Array<{ paths: string[] }> };
      assert.equal(json.format, 'layers-model');
      assert.deepEqual(json.weightsManifest[0]!.paths, ['./weights.bin']);
      const loaded = await ContrastiveModel.load(where);
      const got = loaded.forward(x, { training: false });
      assert.deepEqual(Array.from(got.projection.dataSync()), Array.from(expected.projection.dataSync()), spec.type);
      const plain = await tf.loadLayersModel(fileSystemHandler(where));
      const rep = (plain.predict(x) as tf.Tensor[])[0]!;
      assert.deepEqual(Array.from(rep.dataSync()), Array.from(expected.representation.dataSync()));
      [model, loaded].forEach((m) => m.dispose());
      plain.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dropout masks follow the forward seed: same seed same output, new seed new output, none at inference', async () => {
  const spec: BackboneSpec = { type: 'mlp', layers: [32, 16], activation: 'relu', batchNorm: false, dropout: 0.5 };
  const model = ContrastiveModel.build(arch(spec, { prediction: null }), [10]);
  const x = tf.randomNormal([6, 10], 0, 1, 'float32', 4);
  const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());
  const seeded = (seed: number): number[] => values(model.forward(x, { training: true, dropoutSeed: seed }).representation);
  assert.deepEqual(seeded(11), seeded(11));
  assert.notDeepEqual(seeded(11), seeded(12));
  const inference = values(model.forward(x, { training: false }).representation);
  assert.deepEqual(values(model.forward(x, { training: false }).representation), inference);
  assert.deepEqual(values(model.forward(x, { training: false, dropoutSeed: 99 }).representation), inference, 'a seed must not turn dropout on at inference');
  assert.notDeepEqual(seeded(11), inference, 'training mode must drop units');
  // A saved-and-loaded model keeps seeded dropout (the file itself holds plain tfjs Dropout layers).
  const dir = mkdtempSync(join(tmpdir(), 'cl-dropout-'));
  try {
    await model.save(dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { modelTopology: { config: { layers: Array<{ class_name: string }> } } };
    assert.equal(json.modelTopology.config.layers.filter((l) => l.class_name === 'Dropout').length, 2);
    const loaded = await ContrastiveModel.load(dir);
    assert.deepEqual(values(loaded.forward(x, { training: true, dropoutSeed: 11 }).representation), seeded(11));
    loaded.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  model.dispose();
});

test('load() explains a folder without a model', async () => {
  await assert.rejects(ContrastiveModel.load(join(tmpdir(), 'cl-no-model-here')), /model\.json is missing.*Point at a folder written by save/);
});
