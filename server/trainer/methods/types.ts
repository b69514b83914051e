// What a training method is: which forward passes a step makes (online / target branch, one or two
// views), which targets it compares against (shared, stop-gradient, EMA network) and which loss it
// computes. The trainer builds the networks, loss, miner and queue; a Method turns one batch into
// the step's loss.
import type { tf } from '../../contrastive/backend';

/** What the network gives a method; projection and prediction are already L2-normalised when the spec says so. */
export interface NetworkOutputs {
  readonly representation: tf.Tensor2D;
  /** The projection head's output, or the representation when there is no projection head. */
  readonly projection: tf.Tensor2D;
  /** The prediction head's output, or null. */
  readonly prediction: tf.Tensor2D | null;
}

/** One pass of a network (online or EMA target) in training mode or not. */
export type Forward = (x: tf.Tensor, training: boolean) => NetworkOutputs;

/** The memory queue of negatives as a method sees it (adapted from the library's queue). */
export interface NegativesQueue {
  /** The stored keys and their labels, or null while empty. The tensor belongs to the queue. */
  contents(): { readonly embeddings: tf.Tensor2D; readonly labels: Int32Array } | null;
}

export interface StepBatch {
  /** Labels of the batch (class indices), null when training without labels. */
  readonly labels: Int32Array | null;
  /** Labelled positives: the (weakly augmented) batch. Augmentation positives: view 1 (weak). */
  readonly view1: tf.Tensor;
  /** Augmentation positives: view 2 (strong); null for labelled positives. */
  readonly view2: tf.Tensor | null;
}

export interface StepResult {
  readonly loss: tf.Scalar;
  /** Keys to push into the queue after the step (detached), or null. */
  readonly keys: tf.Tensor2D | null;
  readonly keyLabels: Int32Array | null;
}

export type MethodFamily = 'simclr' | 'moco' | 'byol' | 'simsiam' | 'supervised' | 'redundancyReduction' | 'siglip' | 'classifier';

export interface Method {
  readonly family: MethodFamily;
  /** The loss of one step on `batch` (differentiable), and the keys it adds to the queue. */
  step(batch: StepBatch): StepResult;
}
