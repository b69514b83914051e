// No tensor leaks: a full training step (forward of two views, an NT-Xent loss, gradients, clipping,
// the optimiser, the EMA target) leaves the same number of live tensors after step 10 as after step
// 1000, on wasm and on cpu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { ContrastiveModel } from '../../../server/contrastive/models';
import { clipByGlobalNorm, createOptimizer } from '../../../server/contrastive/optim';
import { createSchedule } from '../../../server/contrastive/schedules';
import { EmaTarget, stopGradient } from '../../../server/contrastive/strategies';
import type { ArchitectureSpec } from '../../../server/spec/types';

const arch: ArchitectureSpec = {
  backbone: { type: 'mlp', layers: [16], activation: 'relu', batchNorm: true, dropout: 0.1 },
  representationSize: 8, projection: { layers: [8, 4], batchNorm: true, activation: 'relu' }, prediction: { layers: [4, 4], batchNorm: false, activation: 'relu' }, normalizeOutput: true,
};

/** NT-Xent between the online predictions of view 1 and the target projections of view 2. */
function ntXent(p: tf.Tensor2D, z: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const logits = tf.div(tf.matMul(p, z, false, true), 0.5);
    const labels = tf.oneHot(tf.range(0, p.shape[0], 1, 'int32'), p.shape[0]);
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  });
}

async function liveTensorsAfter(backend: 'wasm' | 'cpu', checkpoints: readonly number[]): Promise<number[]> {
  await initBackend(backend);
  const model = ContrastiveModel.build(arch, [12]);
  const ema = new EmaTarget(model);
  const optimizer = createOptimizer({ type: 'lars', learningRate: 0.1, momentum: 0.9, trustCoefficient: 0.001, weightDecay: 1e-6 });
  const schedule = createSchedule({ type: 'cosine', warmupEpochs: 1, minLearningRate: 0 }, optimizer.baseLearningRate);
  const total = checkpoints[checkpoints.length - 1]!;
  const counts: number[] = [];
  for (let step = 0; step < total; step++) {
    const x = tf.randomNormal([16, 12], 0, 1, 'float32', step);
    const v1 = tf.tidy(() => tf.add(x, tf.randomNormal([16, 12], 0, 0.1)));
    const v2 = tf.tidy(() => tf.add(x, tf.randomNormal([16, 12], 0, 0.1)));
    const named = model.namedVariables().filter((v) => v.trainable);
    const { value, grads } = tf.variableGrads(() => {
      const online = model.forward(v1, { training: true });
      const target = ema.target.forward(v2, { training: true });
      return ntXent(online.prediction!, stopGradient(target.projection));
    }, named.map((v) => v.variable));
    const clipped = clipByGlobalNorm(named.map((v) => ({ name: v.name, variable: v.variable, gradient: grads[v.variable.name]! })), 1);
    optimizer.applyGradients(clipped.gradients, schedule(step, total, 10));
    ema.update(step, total, { tauStart: 0.99, tauEnd: 1 });
    assert.ok(Number.isFinite(value.dataSync()[0]!));
    tf.dispose([x, v1, v2, value, ...Object.values(grads), ...clipped.gradients.map((g) => g.gradient)]);
    if (checkpoints.includes(step + 1)) counts.push(tf.memory().numTensors);
  }
  optimizer.dispose();
  ema.dispose();
  model.dispose();
  return counts;
}

for (const backend of ['wasm', 'cpu'] as const) {
  test(`${backend}: live tensors after step 10 equal those after step 1000`, async () => {
    const [after10, after1000] = await liveTensorsAfter(backend, [10, 1000]);
    assert.equal(after1000, after10, `${backend}: ${after10} tensors after step 10, ${after1000} after step 1000`);
  });
}
