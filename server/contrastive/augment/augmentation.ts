// The interface every augmentation op implements, and small helpers they share.
import { tf } from '../backend';
import type { AugmentationOp } from './declarations';
import { Random } from '../random';

/** Image ops take [N, H, W, C] float batches; vector ops take [N, D]. */
export type AugmentationInput = 'image' | 'vector';

export interface Augmentation<Op extends AugmentationOp = AugmentationOp> {
  readonly type: Op['type'];
  readonly input: AugmentationInput;
  /**
   * Returns a new batch of the same shape. Each sample is changed with probability `op.probability`;
   * all random draws come from `rng`, so the same generator state gives the same output.
   * Must not dispose `batch`; the pipeline runs it inside tf.tidy.
   */
  apply(batch: tf.Tensor, op: Op, rng: Random): tf.Tensor;
}

/** Which samples of a batch an op touches this time (one draw per sample). */
export function chooseSamples(count: number, probability: number, rng: Random): boolean[] {
  return Array.from({ length: count }, () => rng.bernoulli(probability));
}

/** A per-sample column [N, 1, ...] broadcastable against a batch of the given rank. */
export function perSampleColumn(values: ArrayLike<number>, rank: number): tf.Tensor {
  const shape = [values.length, ...new Array<number>(rank - 1).fill(1)];
  return tf.tensor(Float32Array.from(values), shape, 'float32');
}

export function imageShape(batch: tf.Tensor, type: string): [number, number, number, number] {
  if (batch.rank !== 4) {
    throw new Error(
      `augmentation '${type}' works on images [N, H, W, C] but got a tensor of shape [${batch.shape.join(', ')}]; ` +
        `use featureNoise / featureMask for vector data`,
    );
  }
  const [n, h, w, c] = batch.shape as [number, number, number, number];
  return [n, h, w, c];
}

export function vectorShape(batch: tf.Tensor, type: string): [number, number] {
  if (batch.rank !== 2) {
    throw new Error(
      `augmentation '${type}' works on vectors [N, D] but got a tensor of shape [${batch.shape.join(', ')}]; ` +
        `use the image augmentations for image data`,
    );
  }
  const [n, d] = batch.shape as [number, number];
  return [n, d];
}

/**
 * Standard normals (times `std`), seeded: Box–Muller in JavaScript on the run's own generator, both
 * values of each pair used. On the wasm backend the same transform as tensor ops spent most of its
 * time in Cos (8 ms for a batch of 256 digits); here the whole batch's noise takes about 2 ms. The
 * uniform draws are in [0, 1 − 2^−32], so 1 − u is never 0 and log(1 − u) is finite: no pixel becomes
 * ±∞ or NaN (one in a few dozen batches did when float32 rounded a draw to exactly 1).
 */
export function gaussianNoiseValues(count: number, std: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = std * Math.sqrt(-2 * Math.log(1 - rng.nextFloat()));
    const angle = 2 * Math.PI * rng.nextFloat();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/**
 * Noise for the chosen rows (first axis) of a batch of the given shape, zeros elsewhere: only the
 * chosen rows are drawn, in order, so adding it is the whole augmentation (no mask product).
 */
export function chosenRowsNoiseTensor(shape: readonly number[], chosen: readonly boolean[], std: number, seed: number): tf.Tensor {
  const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
  const rows = chosen.filter(Boolean).length;
  const drawn = gaussianNoiseValues(rows * rowSize, std, seed);
  const out = new Float32Array(chosen.length * rowSize);
  let next = 0;
  chosen.forEach((isChosen, row) => {
    if (!isChosen) return;
    out.set(drawn.subarray(next * rowSize, (next + 1) * rowSize), row * rowSize);
    next++;
  });
  return tf.tensor(out, [...shape], 'float32');
}
