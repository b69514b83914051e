// The gradients of sum and mean (kernels/reductionGradients.ts, which fill their ones in the backend)
// are what calculus says on both backends: ∂/∂x of Σ w·sum(x, axes) is w broadcast over the summed
// axes, and mean divides it by the number of reduced elements; keepDims, negative axes and a full
// reduction included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../server/contrastive/backend';

const SHAPE = [3, 4, 5];

/** Weights shaped like the reduction's output, so each output element has its own upstream gradient. */
function weightsFor(shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, (_, i) => 0.5 + i * 0.25), shape);
}

/** The expected gradient of Σ w·reduce(x): w at the kept indices, divided by the count for a mean. */
function expected(axes: number[], mean: boolean): Float32Array {
  const kept = SHAPE.map((size, axis) => (axes.includes(axis) ? 1 : size));
  const w = weightsFor(kept).dataSync();
  const count = axes.reduce((n, axis) => n * SHAPE[axis]!, 1);
  const out = new Float32Array(SHAPE.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) {
    const index = [Math.floor(i / 20), Math.floor(i / 5) % 4, i % 5];
    const keptIndex = index.map((v, axis) => (axes.includes(axis) ? 0 : v));
    const flat = (keptIndex[0]! * kept[1]! + keptIndex[1]!) * kept[2]! + keptIndex[2]!;
    out[i] = w[flat]! / (mean ? count : 1);
  }
  return out;
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`sum and mean gradients broadcast the upstream gradient over the reduced axes (${backend})`, async () => {
    await initBackend(backend, { threads: 1 });
    const x = tf.tensor(Float32Array.from({ length: 60 }, (_, i) => Math.sin(i)), SHAPE);
    const cases: Array<{ axis: number | number[] | undefined; axes: number[] }> = [
      { axis: 1, axes: [1] }, { axis: -1, axes: [2] }, { axis: [0, 2], axes: [0, 2] }, { axis: undefined, axes: [0, 1, 2] },
    ];
    for (const { axis, axes } of cases) {
      for (const keepDims of [false, true]) {
        for (const mean of [false, true]) {
          const outShape = SHAPE.map((size, a) => (axes.includes(a) ? 1 : size)).filter((_, a) => keepDims || !axes.includes(a));
          const w = weightsFor(outShape.length === 0 ? [] : outShape);
          const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(mean ? tf.mean(t, axis, keepDims) : tf.sum(t, axis, keepDims), w)))(x);
          const got = grad.dataSync();
          const want = expected(axes, mean);
          for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-6 * Math.abs(want[i]!), `${mean ? 'mean' : 'sum'} axis ${JSON.stringify(axis)} keepDims ${keepDims} element ${i}: ${got[i]} instead of ${want[i]}`);
          tf.dispose([w, grad]);
        }
      }
    }
    x.dispose();
  });
}
