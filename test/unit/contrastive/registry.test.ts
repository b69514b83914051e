// The schema and the library cannot drift apart: every `type` the schema offers is implemented by
// the library, and every implementation is offered by the schema. Each ingredient is also built
// from the schema's own defaults for that type and used once, so "implemented" means "works".
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { augmentationFor, augmentationTypes } from '../../../server/contrastive/augment/registry';
import { createDistance, distanceTypes } from '../../../server/contrastive/distances';
import { createLoss, lossTypes } from '../../../server/contrastive/losses';
import { createMiner, miningTypes } from '../../../server/contrastive/miners';
import { BACKBONE_TYPES } from '../../../server/contrastive/models/backbones';
import { ContrastiveModel } from '../../../server/contrastive/models';
import { createOptimizer, OPTIMIZER_TYPES } from '../../../server/contrastive/optim';
import { createSampler } from '../../../server/contrastive/pairs/sampler';
import { Random } from '../../../server/contrastive/random';
import { createSchedule, SCHEDULE_TYPES } from '../../../server/contrastive/schedules';
import { INGREDIENT_TYPES, loadSchema, type IngredientKind } from '../../../server/spec';
import type { AugmentationOp, BackboneSpec, DistanceSpec, LossSpec, MiningSpec, OptimizerSpec, SamplerSpec, ScheduleSpec } from '../../../server/spec/types';
import { lossOnAnyInput } from './lossOnAnyInput';

const schema = loadSchema();

/** The `type` strings the schema offers for a kind (its `$defs` are named `<kind>-<type>`). */
function schemaTypes(kind: IngredientKind): string[] {
  return Object.keys(schema.$defs ?? {})
    .filter((name) => name.startsWith(`${kind}-`))
    .map((name) => String(schema.$defs![name]!.properties!.type!.const))
    .sort();
}

/** The ingredient `{ type, ...every parameter at its schema default }`. */
function withDefaults<T>(kind: IngredientKind, type: string): T {
  const branch = schema.$defs![`${kind}-${type}`]!;
  const value: Record<string, unknown> = { type };
  for (const [key, property] of Object.entries(branch.properties ?? {})) {
    if (key !== 'type' && property.default !== undefined) value[key] = property.default;
  }
  return value as T;
}

before(async () => {
  await initBackend('wasm');
});

test('each implemented kind offers exactly the schema types', () => {
  const implemented: Partial<Record<IngredientKind, readonly string[]>> = {
    loss: lossTypes,
    distance: distanceTypes,
    mining: miningTypes,
    augmentation: augmentationTypes,
    backbone: BACKBONE_TYPES,
    optimizer: OPTIMIZER_TYPES,
    schedule: SCHEDULE_TYPES,
  };
  for (const [kind, types] of Object.entries(implemented) as [IngredientKind, readonly string[]][]) {
    assert.deepEqual([...types].sort(), schemaTypes(kind), `${kind}: library vs schema`);
    assert.deepEqual([...types].sort(), [...INGREDIENT_TYPES[kind]].sort(), `${kind}: library vs types.ts`);
  }
});

test('every distance and every loss builds from its schema defaults and gives a finite value', () => {
  const x = tf.randomNormal([8, 6], 0, 1, 'float32', 3) as tf.Tensor2D;
  const y = tf.randomNormal([8, 6], 0, 1, 'float32', 4) as tf.Tensor2D;
  const labels = Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]);
  try {
    for (const type of schemaTypes('distance')) {
      const distance = createDistance(withDefaults<DistanceSpec>('distance', type));
      const matrix = tf.tidy(() => distance.pairwise(x, y));
      assert.deepEqual(matrix.shape, [8, 8], type);
      assert.ok(Array.from(matrix.dataSync()).every(Number.isFinite), `${type}: finite matrix`);
      matrix.dispose();
    }
    for (const type of schemaTypes('loss')) {
      const spec = withDefaults<LossSpec>('loss', type);
      const distance = createDistance({ type: 'cosine' });
      const loss = createLoss(spec, distance);
      const value = lossOnAnyInput(loss, x, y, labels);
      assert.ok(Number.isFinite(value.dataSync()[0]), `${type}: finite loss`);
      value.dispose();
      loss.dispose();
    }
  } finally {
    tf.dispose([x, y]);
  }
});

test('every miner builds from its schema defaults', () => {
  const x = tf.randomNormal([8, 6], 0, 1, 'float32', 5) as tf.Tensor2D;
  const labels = Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]);
  try {
    for (const type of schemaTypes('mining')) {
      const miner = createMiner(withDefaults<MiningSpec>('mining', type), createDistance({ type: 'euclidean', normalize: true }));
      if (type === 'none') {
        assert.equal(miner, null);
        continue;
      }
      assert.ok(miner !== null, type);
      assert.ok(miner.mine({ embeddings: x, labels }) !== undefined, type);
    }
  } finally {
    x.dispose();
  }
});

test('every augmentation, backbone, optimiser, schedule and sampler works at its schema defaults', () => {
  const images = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 6) as tf.Tensor4D;
  const vectors = tf.randomUniform([4, 10], 0, 1, 'float32', 7) as tf.Tensor2D;
  try {
    for (const type of schemaTypes('augmentation')) {
      const op = { ...withDefaults<AugmentationOp>('augmentation', type), probability: 1 } as AugmentationOp;
      const input = type.startsWith('feature') ? vectors : images;
      const output = augmentationFor(op).apply(input, op, new Random(1));
      assert.deepEqual(output.shape, input.shape, type);
      output.dispose();
    }
    for (const type of schemaTypes('backbone')) {
      const backbone = withDefaults<BackboneSpec>('backbone', type);
      const model = ContrastiveModel.build({ backbone, representationSize: 16, projection: { layers: [8], batchNorm: false, activation: 'relu' }, prediction: null, normalizeOutput: true }, [28, 28, 1]);
      const out = model.forward(images, { training: false });
      assert.deepEqual(out.projection.shape, [4, 8], type);
      tf.dispose([out.representation, out.projection]);
      model.dispose();
    }
    for (const type of schemaTypes('optimizer')) {
      const optimizer = createOptimizer(withDefaults<OptimizerSpec>('optimizer', type));
      const variable = tf.variable(tf.ones([3]), true, `registry-${type}`);
      optimizer.applyGradients([{ name: 'w', variable, gradient: tf.ones([3]) }], 0.1);
      assert.ok(variable.dataSync()[0]! < 1, `${type}: a positive gradient lowers the weight`);
      variable.dispose();
      optimizer.dispose();
    }
    for (const type of schemaTypes('schedule')) {
      const lr = createSchedule(withDefaults<ScheduleSpec>('schedule', type), 0.1);
      const values = [0, 50, 99].map((step) => lr(step, 100, 10));
      assert.ok(values.every((v) => v > 0 && v <= 0.1 + 1e-12), `${type}: ${values}`);
    }
    const labels = Int32Array.from({ length: 64 }, (_, i) => i % 8);
    for (const type of schemaTypes('sampler')) {
      const sampler = createSampler(withDefaults<SamplerSpec>('sampler', type), { indices: Int32Array.from({ length: 64 }, (_, i) => i), labels }, { batchSize: 16, seed: 0, dropLast: true });
      assert.ok(sampler.batchesPerEpoch >= 1, type);
      assert.ok(sampler.batches(0).every((batch) => batch.length === 16), type);
    }
  } finally {
    tf.dispose([images, vectors]);
  }
});
