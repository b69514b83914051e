// Our BatchNormalization (models/batchNorm.ts) is the stock tfjs-layers layer with a faster training
// pass: over three training steps it gives the stock layer's outputs and gradients (x, gamma, beta)
// within float tolerance and its moving statistics within float32 rounding (on wasm our own kernels sum
// the batch in another order than tfjs' moments), inference is unchanged, its weights
// and saved form are the stock layer's, and a training step leaves no tensor behind — on wasm and cpu,
// for dense ([N, C]) and image ([N, H, W, C]) batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { fusedBatchNorm } from '../../../server/contrastive/models/batchNorm';

interface Trace { steps: number[][]; moving: number[]; inference: number[] }

function trace(layer: tf.layers.Layer, shape: number[]): Trace {
  layer.build(shape);
  const channels = shape.at(-1)!;
  layer.setWeights([tf.randomNormal([channels], 1, 0.3, 'float32', 3), tf.randomNormal([channels], 0, 0.3, 'float32', 4), ...layer.getWeights().slice(2)]);
  const steps: number[][] = [];
  for (let s = 0; s < 3; s++) {
    const x = tf.randomNormal(shape, 0.5, 2, 'float32', 10 + s);
    const dy = tf.randomNormal(shape, 0, 1, 'float32', 20 + s);
    const before = tf.memory().numTensors;
    const loss = (input: tf.Tensor): tf.Scalar => tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, dy));
    const { value, grads } = tf.variableGrads(() => loss(x), layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
    const dx = tf.grad(loss)(x);
    steps.push([value.dataSync()[0]!, ...Object.values(grads).flatMap((g) => Array.from(g.dataSync())), ...Array.from(dx.dataSync())]);
    tf.dispose([value, dx, ...Object.values(grads)]);
    assert.equal(tf.memory().numTensors, before, 'a training step leaves no tensor behind');
    tf.dispose([x, dy]);
  }
  const probe = tf.randomNormal(shape, 0, 1, 'float32', 99);
  const inferred = layer.apply(probe, { training: false }) as tf.Tensor;
  const result = { steps, moving: layer.getWeights().slice(2).flatMap((w) => Array.from(w.dataSync())), inference: Array.from(inferred.dataSync()) };
  tf.dispose([probe, inferred]);
  return result;
}

for (const backend of ['wasm', 'cpu'] as const) {
  for (const shape of [[64, 24], [8, 5, 5, 6]]) {
    test(`${backend}, batch [${shape}]: the stock layer's outputs, gradients and moving statistics`, async () => {
      await initBackend(backend, { threads: 1 });
      const args = { momentum: 0.9, epsilon: 1e-5, name: 'bn' };
      const stock = trace(tf.layers.batchNormalization(args), shape);
      const ours = trace(fusedBatchNorm(args), shape);
      stock.steps.forEach((row, s) => {
        const worst = Math.max(...row.map((v, j) => Math.abs(v - ours.steps[s]![j]!) / (1 + Math.abs(v))));
        assert.ok(worst < 2e-5, `step ${s}: loss and gradients deviate by ${worst}`);
      });
      const deviation = (a: number[], b: number[]): number => Math.max(...a.map((v, j) => Math.abs(v - b[j]!) / (1 + Math.abs(v))));
      assert.equal(ours.moving.length, stock.moving.length);
      assert.ok(deviation(stock.moving, ours.moving) < 1e-6, `moving mean and variance deviate by ${deviation(stock.moving, ours.moving)}`);
      assert.ok(deviation(stock.inference, ours.inference) < 1e-5, `inference output deviates by ${deviation(stock.inference, ours.inference)}`);
    });
  }
}

test('same class name, config and weight names as tf.layers.batchNormalization (checkpoints load either way)', async () => {
  await initBackend('cpu');
  const args = { momentum: 0.9, epsilon: 1e-5, name: 'head_bn_1' };
  const [stock, ours] = [tf.layers.batchNormalization(args), fusedBatchNorm(args)];
  for (const layer of [stock, ours]) layer.build([4, 3]);
  assert.equal(ours.getClassName(), stock.getClassName());
  assert.deepEqual(ours.getConfig(), stock.getConfig());
  // tfjs numbers every new weight (gamma_8, gamma_9): compare the names it numbered.
  const names = (layer: tf.layers.Layer): string[] => layer.weights.map((w) => w.name.replace(/_\d+$/, ''));
  assert.deepEqual(names(ours), names(stock));
});
