import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { loadData } from '../../../server/contrastive/data/load';
import { buildTrainingParts } from '../../../server/trainer/parts';
import { TINY_SPEC, tempDir, writeSpec } from './helpers';

// MoCo-style: queue, EMA target, clipping — the step with the most moving parts.
const SPEC = TINY_SPEC.replace('negatives: { type: batch }', 'negatives: { type: queue, size: 120 }')
  .replace('  seed: 7\n', '  seed: 7\n  ema: { tauStart: 0.9, tauEnd: 0.99 }\n  gradientClipNorm: 1.0\n');

test('training steps, checkpoint state and evaluation embeddings leave no tensors behind', async () => {
  await initBackend('cpu');
  const { spec } = writeSpec(tempDir('leaks'), SPEC);
  const data = await loadData(spec.data, { specDir: '.', cacheDir: null });
  const parts = buildTrainingParts(spec, data);
  try {
    const plan = parts.batches.plan(1);
    await parts.trainStep(plan[0]!, 1, 8);
    await parts.trainStep(plan[1]!, 2, 8);
    const after2 = tf.memory().numTensors;
    for (let step = 3; step <= 8; step++) {
      await parts.trainStep(plan[(step - 1) % plan.length]!, step, 8);
      parts.checkpointState();
      parts.embed(data.test, 'representation');
    }
    assert.equal(tf.memory().numTensors, after2);
  } finally {
    parts.dispose();
  }
});
