// Augmentations: reproducible from a seed, exact no-ops at probability 0, the transformations a user
// expects (flip mirrors, contrast keeps the mean, blur keeps flat images flat, cutout zeroes a square),
// the same on cpu and wasm, and no leaked tensors.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { Random } from '../../../server/contrastive/random';
import { chosenRowsNoiseTensor, gaussianNoiseValues } from '../../../server/contrastive/augment/augmentation';
import { hueRotation } from '../../../server/contrastive/augment/hue';
import { buildPipeline } from '../../../server/contrastive/augment/pipeline';
import { augmentationTypes } from '../../../server/contrastive/augment/registry';
import type { AugmentationOp } from '../../../server/spec/types';

// Probability 1 everywhere except flip and grayscale, which would then be the same for every seed.
const imageOps: AugmentationOp[] = [
  { type: 'randomResizedCrop', probability: 1, scale: [0.2, 1], ratio: [0.75, 1.333] },
  { type: 'flip', probability: 0.5, horizontal: true, vertical: true },
  { type: 'affine', probability: 1, degrees: 30, translate: 0.1, scale: [0.8, 1.2] },
  { type: 'brightness', probability: 1, delta: 0.4 },
  { type: 'contrast', probability: 1, range: [0.5, 1.5] },
  { type: 'hue', probability: 1, delta: 0.5 },
  { type: 'grayscale', probability: 0.5 }, // at 1 it would be the same for every seed, like flip
  { type: 'gaussianNoise', probability: 1, std: 0.1 },
  { type: 'gaussianBlur', probability: 1, sigma: [0.5, 2], kernelSize: 5 },
  { type: 'cutout', probability: 1, size: 3, count: 2 },
];
const vectorOps: AugmentationOp[] = [
  { type: 'featureNoise', probability: 1, std: 0.1 },
  { type: 'featureMask', probability: 1, fraction: 0.3 },
];

function randomImages(seed: number, shape: [number, number, number, number] = [4, 12, 12, 3]): tf.Tensor4D {
  const rng = new Random(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(Float32Array.from({ length: size }, () => rng.nextFloat()), shape);
}

function run(ops: AugmentationOp[], seed: number, input: tf.Tensor): Float32Array {
  const out = buildPipeline(ops, new Random(seed))(input);
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return Float32Array.from(values);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

const results: Record<string, Record<string, Float32Array>> = {};

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`augmentations on ${backend}`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('every op: same seed gives the same output, another seed a different one, and nothing leaks', () => {
      results[backend] = {};
      for (const op of [...imageOps, ...vectorOps]) {
        const input = op.type.startsWith('feature') ? tf.randomUniform([6, 20], 0, 1, 'float32', 3) : randomImages(1);
        const tensorsBefore = tf.memory().numTensors;
        const first = run([op], 42, input);
        const second = run([op], 42, input);
        const other = run([op], 43, input);
        assert.equal(tf.memory().numTensors, tensorsBefore, `${op.type} leaked tensors`);
        assert.deepEqual(first, second, `${op.type} is not reproducible`);
        assert.notDeepEqual(first, other, `${op.type} ignores its seed`);
        assert.ok(maxAbsDiff(first, input.dataSync()) > 1e-3, `${op.type} at probability 1 changed nothing`);
        (results[backend] as Record<string, Float32Array>)[op.type] = first;
        input.dispose();
      }
    });

    test('probability 0 leaves every op an exact no-op', () => {
      const images = randomImages(2);
      const vectors = tf.randomUniform([5, 9], 0, 1, 'float32', 1);
      for (const op of imageOps) assert.deepEqual(run([{ ...op, probability: 0 }], 7, images), images.dataSync(), op.type);
      for (const op of vectorOps) assert.deepEqual(run([{ ...op, probability: 0 }], 7, vectors), vectors.dataSync(), op.type);
      tf.dispose([images, vectors]);
    });

    test('a horizontal flip at probability 1 mirrors every image left to right', () => {
      const images = randomImages(3, [3, 5, 7, 2]);
      const expected = tf.reverse(images, 2);
      const got = run([{ type: 'flip', probability: 1, horizontal: true, vertical: false }], 1, images);
      assert.ok(maxAbsDiff(got, expected.dataSync()) < 1e-6);
      tf.dispose([images, expected]);
    });

    test('a full-size crop and an identity affine return the image unchanged', () => {
      const images = randomImages(4, [2, 9, 9, 1]);
      const crop = run([{ type: 'randomResizedCrop', probability: 1, scale: [1, 1], ratio: [1, 1] }], 1, images);
      const still = run([{ type: 'affine', probability: 1, degrees: 0, translate: 0, scale: [1, 1] }], 1, images);
      assert.ok(maxAbsDiff(crop, images.dataSync()) < 1e-5);
      assert.ok(maxAbsDiff(still, images.dataSync()) < 1e-5);
      images.dispose();
    });

    test('an affine zoom-out by 2 keeps the centre and leaves the corners empty', () => {
      const ones = tf.ones([1, 9, 9, 1]);
      const out = run([{ type: 'affine', probability: 1, degrees: 0, translate: 0, scale: [0.5, 0.5] }], 1, ones);
      assert.equal(out[4 * 9 + 4], 1);
      assert.equal(out[0], 0);
      assert.equal(out[80], 0);
      ones.dispose();
    });

    test('brightness shifts each image by one constant within ±delta; contrast keeps each image mean', () => {
      const images = randomImages(5, [4, 6, 6, 1]);
      const x = images.dataSync();
      const bright = run([{ type: 'brightness', probability: 1, delta: 0.3 }], 9, images);
      for (let i = 0; i < 4; i++) {
        const shift = (bright[i * 36] as number) - (x[i * 36] as number);
        assert.ok(Math.abs(shift) <= 0.3 + 1e-6);
        for (let p = 1; p < 36; p++) assert.ok(Math.abs((bright[i * 36 + p] as number) - (x[i * 36 + p] as number) - shift) < 1e-5);
      }
      const contrasted = run([{ type: 'contrast', probability: 1, range: [0.2, 0.5] }], 9, images);
      for (let i = 0; i < 4; i++) {
        const mean = (v: ArrayLike<number>) => Array.from({ length: 36 }, (_, p) => v[i * 36 + p] as number).reduce((a, b) => a + b) / 36;
        assert.ok(Math.abs(mean(contrasted) - mean(x)) < 1e-5);
      }
      images.dispose();
    });

    test('gaussian noise has the requested standard deviation', () => {
      const zeros = tf.zeros([8, 16, 16, 1]);
      const noisy = run([{ type: 'gaussianNoise', probability: 1, std: 0.5 }], 3, zeros);
      const std = Math.sqrt(noisy.reduce((a, v) => a + v * v, 0) / noisy.length);
      assert.ok(Math.abs(std - 0.5) < 0.03, `std ${std}`);
      zeros.dispose();
    });

    test('blur keeps a flat image flat and spreads an impulse symmetrically, keeping its mass', () => {
      const flat = tf.fill([2, 8, 8, 2], 0.7);
      const blurredFlat = run([{ type: 'gaussianBlur', probability: 1, sigma: [1, 2], kernelSize: 5 }], 1, flat);
      assert.ok(maxAbsDiff(blurredFlat, flat.dataSync()) < 1e-5);
      const impulse = tf.buffer([1, 9, 9, 1]);
      impulse.set(1, 0, 4, 4, 0);
      const spike = impulse.toTensor();
      const spread = run([{ type: 'gaussianBlur', probability: 1, sigma: [1, 1], kernelSize: 3 }], 1, spike);
      assert.ok(Math.abs(spread.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      assert.ok((spread[40] as number) < 1 && (spread[40] as number) > 0.1);
      assert.ok(Math.abs((spread[39] as number) - (spread[41] as number)) < 1e-6);
      assert.ok(Math.abs((spread[31] as number) - (spread[49] as number)) < 1e-6);
      // A kernel wider than the image is narrowed to fit rather than failing mid-run.
      const tiny = tf.fill([1, 3, 3, 1], 0.5);
      assert.ok(maxAbsDiff(run([{ type: 'gaussianBlur', probability: 1, sigma: [1, 1], kernelSize: 31 }], 1, tiny), tiny.dataSync()) < 1e-5);
      tf.dispose([flat, spike, tiny]);
    });

    test('cutout zeroes one square of the requested side in pixels (clipped at the border) and nothing else', () => {
      const ones = tf.ones([16, 8, 8, 1]);
      const out = run([{ type: 'cutout', probability: 1, size: 2, count: 1 }], 5, ones);
      for (let i = 0; i < 16; i++) {
        const zeros = Array.from(out.subarray(i * 64, (i + 1) * 64)).filter((v) => v === 0).length;
        assert.ok([1, 2, 4].includes(zeros), `image ${i}: ${zeros} zeros`);
      }
      ones.dispose();
    });

    test('featureMask zeroes about the requested fraction of features', () => {
      const ones = tf.ones([50, 100]);
      const out = run([{ type: 'featureMask', probability: 1, fraction: 0.3 }], 11, ones);
      const zeroFraction = out.filter((v) => v === 0).length / out.length;
      assert.ok(Math.abs(zeroFraction - 0.3) < 0.03, `${zeroFraction}`);
      ones.dispose();
    });

    test('an image op on vectors, or a pipeline mixing kinds, is refused with a clear message', () => {
      const vectors = tf.zeros([2, 5]);
      assert.throws(() => run([{ type: 'flip', probability: 1, horizontal: true, vertical: false }], 1, vectors), /works on images \[N, H, W, C\].*shape \[2, 5\]/);
      assert.throws(() => buildPipeline([imageOps[0] as AugmentationOp, vectorOps[0] as AugmentationOp], new Random(1)), /mixes image ops/);
      vectors.dispose();
    });
  });
}

test('cpu and wasm draw the same augmentations from the same seed', () => {
  assert.deepEqual(Object.keys(results.cpu ?? {}).sort(), [...augmentationTypes].sort());
  for (const type of augmentationTypes) {
    const cpu = results.cpu?.[type];
    const wasm = results.wasm?.[type];
    assert.ok(cpu !== undefined && wasm !== undefined);
    assert.ok(maxAbsDiff(cpu, wasm) < 1e-4, `${type} differs between cpu and wasm by ${maxAbsDiff(cpu, wasm)}`);
  }
});

describe('gaussian noise stays finite', () => {
  before(async () => {
    await initBackend('cpu');
  });

  test('the noise is standard normal times std: mean, spread and tails of a large draw; the same seed gives the same noise', () => {
    const values = gaussianNoiseValues(200_001, 0.1, 7);
    let sum = 0;
    let squares = 0;
    let beyondTwo = 0;
    for (const v of values) {
      sum += v;
      squares += v * v;
      if (Math.abs(v) > 0.2) beyondTwo++;
    }
    const mean = sum / values.length;
    const std = Math.sqrt(squares / values.length - mean * mean);
    assert.ok(Math.abs(mean) < 0.001, `mean ${mean}`);
    assert.ok(Math.abs(std - 0.1) < 0.001, `std ${std}`);
    // P(|z| > 2) = 4.55 % for a standard normal.
    assert.ok(Math.abs(beyondTwo / values.length - 0.0455) < 0.002, `beyond 2σ: ${beyondTwo / values.length}`);
    assert.deepEqual(Array.from(gaussianNoiseValues(9, 1, 3)), Array.from(gaussianNoiseValues(9, 1, 3)));
    assert.notDeepEqual(Array.from(gaussianNoiseValues(9, 1, 3)), Array.from(gaussianNoiseValues(9, 1, 4)));
  });

  test('the noise of the seed whose uniform draw rounded to 1.0 (a simclr batch, step 8) is finite', () => {
    // Seed 2079790823 once drew exactly 1.0 at element 75052 of a 256×28×28 batch: that pixel was NaN.
    const values = gaussianNoiseValues(256 * 28 * 28, 0.1, 2079790823);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    assert.equal(bad, -1, `element ${bad} is ${values[bad]}`);
  });
});

test('noise lands on the chosen rows only, each row drawn in turn from the seed', () => {
  const chosen = [false, true, false, true];
  const noise = chosenRowsNoiseTensor([4, 2, 3, 1], chosen, 0.5, 11);
  assert.deepEqual(noise.shape, [4, 2, 3, 1]);
  const values = noise.dataSync();
  noise.dispose();
  const drawn = gaussianNoiseValues(2 * 6, 0.5, 11);
  assert.deepEqual(Array.from(values.subarray(0, 6)), new Array(6).fill(0));
  assert.deepEqual(Array.from(values.subarray(6, 12)), Array.from(drawn.subarray(0, 6)));
  assert.deepEqual(Array.from(values.subarray(12, 18)), new Array(6).fill(0));
  assert.deepEqual(Array.from(values.subarray(18, 24)), Array.from(drawn.subarray(6, 12)));
});

describe('colour ops: hue and grayscale', () => {
  before(async () => {
    await initBackend('cpu');
  });

  const pixel = (r: number, g: number, b: number): tf.Tensor4D => tf.tensor4d([r, g, b], [1, 1, 1, 3]);

  test('grayscale gives every channel the luminance; greyscale images pass unchanged', () => {
    const out = run([{ type: 'grayscale', probability: 1 }], 3, pixel(1, 0, 0));
    assert.ok(maxAbsDiff(out, [0.299, 0.299, 0.299]) < 1e-6, `got ${Array.from(out).join(', ')}`);
    const grey = tf.tensor4d([0.2, 0.7], [2, 1, 1, 1]);
    assert.ok(maxAbsDiff(run([{ type: 'grayscale', probability: 1 }], 3, grey), [0.2, 0.7]) < 1e-7);
  });

  test('hue turns red into another colour, keeps greys grey and keeps the channel sum', () => {
    const red = run([{ type: 'hue', probability: 1, delta: 0.5 }], 5, pixel(1, 0, 0));
    assert.ok(Math.abs(red[0]! + red[1]! + red[2]! - 1) < 1e-5, 'rotation about the grey axis keeps r + g + b');
    assert.ok(maxAbsDiff(red, [1, 0, 0]) > 0.05, `red stayed red: ${Array.from(red).join(', ')}`);
    assert.ok(maxAbsDiff(run([{ type: 'hue', probability: 1, delta: 0.5 }], 5, pixel(0.4, 0.4, 0.4)), [0.4, 0.4, 0.4]) < 1e-6);
    // A third of the circle maps red exactly onto green.
    const third = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 0, 0]]), tf.tensor2d(hueRotation((2 * Math.PI) / 3), [3, 3]), false, true).dataSync());
    assert.ok(maxAbsDiff(third, [0, 1, 0]) < 1e-6, `got ${Array.from(third).join(', ')}`);
  });
});
