// Our wasm Transform (kernels/wasmTransform.ts, the affine augmentation's warp) gives what tfjs'
// reference cpu kernel gives: identity transforms copy the image, rotations and shifts sample inside
// and outside the image (constant fill), a projective transform divides, colour images keep their
// channels, and an output size other than the input's works. The cpu kernel is called one image at a
// time (tfjs-backend-cpu 4.22 fills every image after the first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { inverseAffineMatrix } from '../../../server/contrastive/augment/affine';

const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0];

function images(shape: [number, number, number, number]): Float32Array {
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37) + 0.5 * Math.cos(i * 0.11));
}

async function warp(backend: 'wasm' | 'cpu', pixels: Float32Array, shape: [number, number, number, number], matrices: number[][], fill: number, outputShape: [number, number]): Promise<Float32Array> {
  await tf.setBackend(backend);
  const batch = tf.tensor4d(pixels, shape);
  const perImage = backend === 'cpu' ? matrices.map((m, i) => tf.image.transform(tf.slice(batch, [i, 0, 0, 0], [1, ...shape.slice(1)]) as tf.Tensor4D, tf.tensor2d(m, [1, 8]), 'bilinear', 'constant', fill, outputShape))
    : [tf.image.transform(batch, tf.tensor2d(matrices.flat(), [matrices.length, 8]), 'bilinear', 'constant', fill, outputShape)];
  const out = tf.concat(perImage, 0);
  const values = out.dataSync() as Float32Array;
  tf.dispose([batch, out, ...perImage]);
  return values;
}

test('the wasm warp equals the reference cpu kernel (identity, rotations with fill, projective, colour, other output size)', async () => {
  await initBackend('wasm');
  const cases: Array<{ shape: [number, number, number, number]; output?: [number, number]; fill?: number }> = [
    { shape: [5, 12, 10, 1] },
    { shape: [5, 9, 9, 3], fill: 0.25 },
    { shape: [5, 8, 11, 2], output: [6, 14] },
  ];
  for (const c of cases) {
    const [, h, w] = c.shape;
    const matrices = [
      IDENTITY,
      inverseAffineMatrix(0.4, 1.1, 1.5, -2, h, w),
      inverseAffineMatrix(-1.2, 0.8, 3, 2.5, h, w), // much of it lands outside the image
      [1.1, 0.2, -1, -0.15, 0.9, 0.5, 0.01, -0.02], // projective
      inverseAffineMatrix(0, 1, 2, 0, h, w), // a whole-pixel shift
    ];
    const pixels = images(c.shape);
    const output = c.output ?? [h, w];
    const [wasm, cpu] = [await warp('wasm', pixels, c.shape, matrices, c.fill ?? 0, output), await warp('cpu', pixels, c.shape, matrices, c.fill ?? 0, output)];
    assert.equal(wasm.length, cpu.length);
    const worst = Math.max(...Array.from(cpu, (v, i) => Math.abs(v - wasm[i]!)));
    assert.ok(worst < 1e-5, `[${c.shape}] → ${output}: largest difference ${worst}`);
  }
  await tf.setBackend('wasm');
});
