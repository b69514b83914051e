// Softmax cross-entropy of class logits (from the classifier head on the representation,
// server/contrastive/heads/classifier.ts): loss = mean over the batch of −Σ_c q_c log softmax(z)_c,
// with the target q = (1 − ε)·one-hot + ε/C (label smoothing ε).
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import { StatelessLoss } from './base';
import type { crossEntropy } from './cross-entropy.decl';
import type { LossInput } from './types';

export class CrossEntropyLoss extends StatelessLoss {
  readonly type = 'crossEntropy';
  readonly input = 'classes';
  readonly supportsReference = false;
  readonly supportsMining = false;
  private readonly labelSmoothing: number;

  constructor({ labelSmoothing }: ParamsOf<typeof crossEntropy>) {
    super();
    this.labelSmoothing = labelSmoothing;
  }

  /** `embeddings`: the class logits [n, C]; `labels`: class indices in [0, C). */
  compute(input: LossInput): tf.Scalar {
    const { embeddings: logits, labels } = input;
    if (logits === undefined || labels === undefined) throw new Error('loss crossEntropy needs the batch\'s class logits and labels');
    const classes = logits.shape[1];
    const outside = Array.from(labels).find((l) => !(l >= 0 && l < classes));
    if (outside !== undefined) throw new Error(`loss crossEntropy: label ${outside} is outside the ${classes} classes of the classifier`);
    return tf.tidy(() => {
      const target = tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), classes).toFloat();
      const smoothed = this.labelSmoothing > 0 ? tf.add(tf.mul(target, 1 - this.labelSmoothing), this.labelSmoothing / classes) : target;
      return tf.neg(tf.mean(tf.sum(tf.mul(smoothed, tf.logSoftmax(logits)), 1))) as tf.Scalar;
    });
  }
}
