// A pipeline applies a list of augmentation ops in order to a batch, drawing from a seeded
// generator: building two pipelines from the same seed gives identical outputs batch after batch.
import { tf } from '../backend';
import type { AugmentationOp } from './declarations';
import type { Random } from '../random';
import { augmentationFor } from './registry';

/** Returns a new tensor the caller owns (also for an empty pipeline); never disposes its input. */
export type AugmentationPipeline = (batch: tf.Tensor) => tf.Tensor;

/** The same, with the generator given per call (e.g. one derived from the step, for exact resume). */
export type SeededAugmentationPipeline = (batch: tf.Tensor, rng: Random) => tf.Tensor;

export function buildSeededPipeline(ops: readonly AugmentationOp[]): SeededAugmentationPipeline {
  const steps = ops.map((op) => ({ op, augmentation: augmentationFor(op) }));
  const expectsImages = steps.filter((s) => s.augmentation.input === 'image').map((s) => s.op.type);
  const expectsVectors = steps.filter((s) => s.augmentation.input === 'vector').map((s) => s.op.type);
  if (expectsImages.length > 0 && expectsVectors.length > 0) {
    throw new Error(
      `augmentation pipeline mixes image ops (${expectsImages.join(', ')}) with vector ops (${expectsVectors.join(', ')}); ` +
        `a dataset is either images or vectors, so keep one kind`,
    );
  }
  return (batch, rng) =>
    tf.tidy(() => {
      let current: tf.Tensor = batch;
      for (const { op, augmentation } of steps) current = augmentation.apply(current, op, rng);
      return current === batch ? tf.clone(batch) : current;
    });
}

export function buildPipeline(ops: readonly AugmentationOp[], rng: Random): AugmentationPipeline {
  const seeded = buildSeededPipeline(ops);
  return (batch) => seeded(batch, rng);
}
