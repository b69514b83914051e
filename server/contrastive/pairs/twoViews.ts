// Augmentation positives: two views of the same batch, one from the weak pipeline and one from the
// strong pipeline (pairs.views). Each view's draws come from a stream derived from (seed, step), so
// a resumed run produces the same views at the same step without saving generator state.
import type { tf } from '../backend';
import type { AugmentationOp } from '../augment/declarations';
import { buildSeededPipeline } from '../augment/pipeline';
import { derivedRandom } from '../random';

/** pairs.views: the ops of each view. */
export interface ViewOptions {
  readonly weak: readonly AugmentationOp[];
  readonly strong: readonly AugmentationOp[];
}

export interface ViewPair {
  /** From pairs.views.weak. */
  readonly view1: tf.Tensor;
  /** From pairs.views.strong. */
  readonly view2: tf.Tensor;
}

/** Returns both views as new tensors the caller owns; the batch itself is not disposed. */
export type TwoViewAugmenter = (batch: tf.Tensor, step: number) => ViewPair;

export function twoViewAugmenter(views: ViewOptions, seed: number): TwoViewAugmenter {
  const weak = buildSeededPipeline(views.weak);
  const strong = buildSeededPipeline(views.strong);
  return (batch, step) => ({
    view1: weak(batch, derivedRandom(seed, 'views', 'weak', step)),
    view2: strong(batch, derivedRandom(seed, 'views', 'strong', step)),
  });
}
