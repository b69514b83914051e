// Our Dense and Conv2D (server/contrastive/models/dense.ts, conv.ts) give the stock layers' outputs
// and weight gradients bit for bit, and a first layer no longer computes the gradient of its data
// input (the product that was thrown away).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { lazyInputGradientConv2D } from '../../../server/contrastive/models/conv';
import { lazyInputGradientDense } from '../../../server/contrastive/models/dense';

before(async () => {
  await initBackend('wasm', { threads: 1 });
});

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/** Output and gradients of the layer's weights for sum(output · w), plus the kernels the backward pass ran. */
async function run(layer: tf.layers.Layer, x: tf.Tensor, weights: tf.Tensor[]): Promise<{ output: number[]; grads: number[][]; kernels: { name: string; shape: number[] }[] }> {
  layer.build(x.shape);
  layer.setWeights(weights);
  const output = Array.from((layer.apply(x) as tf.Tensor).dataSync());
  const vars = layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  let grads: number[][] = [];
  const profile = await tf.profile(() => {
    const { grads: g } = tf.variableGrads(() => {
      const y = layer.apply(x) as tf.Tensor;
      return tf.sum(tf.mul(y, seeded(y.shape, 99)));
    }, vars);
    grads = vars.map((v) => Array.from(g[v.name]!.dataSync()));
  });
  return { output, grads, kernels: profile.kernels.map((k) => ({ name: k.name, shape: (k.outputShapes[0] ?? []) as number[] })) };
}

test('Dense: same outputs and weight gradients as tf.layers.dense; no product for the data input\'s gradient', async () => {
  const x = seeded([16, 12], 1);
  const weights = [seeded([12, 5], 2), seeded([5], 3)];
  const stock = await run(tf.layers.dense({ units: 5 }), x, weights);
  const ours = await run(lazyInputGradientDense({ units: 5 }), x, weights);
  assert.deepEqual(ours.output, stock.output);
  assert.deepEqual(ours.grads, stock.grads);
  const inputShaped = (r: typeof ours) => r.kernels.filter((k) => k.name === 'BatchMatMul' && k.shape.join() === '1,16,12');
  assert.equal(inputShaped(stock).length, 1, 'the stock layer computes the input gradient (the premise of the change)');
  assert.equal(inputShaped(ours).length, 0);
});

test('Conv2D: same outputs and weight gradients as tf.layers.conv2d (stride 1 and 2); no Conv2DBackpropInput for the data input', async () => {
  const x = seeded([4, 9, 9, 2], 4);
  for (const strides of [1, 2]) {
    const weights = [seeded([3, 3, 2, 6], 5), seeded([6], 6)];
    const args = { filters: 6, kernelSize: 3, strides, padding: 'same' as const };
    const stock = await run(tf.layers.conv2d(args), x, weights);
    const ours = await run(lazyInputGradientConv2D(args), x, weights);
    assert.deepEqual(ours.output, stock.output, `strides ${strides}: output`);
    assert.deepEqual(ours.grads, stock.grads, `strides ${strides}: gradients`);
    assert.equal(stock.kernels.filter((k) => k.name === 'Conv2DBackpropInput').length, 1, 'the stock layer computes the input gradient');
    assert.equal(ours.kernels.filter((k) => k.name === 'Conv2DBackpropInput').length, 0, `strides ${strides}`);
  }
});
