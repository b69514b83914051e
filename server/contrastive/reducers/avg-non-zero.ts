// AvgNonZeroReducer: the mean over the strictly positive terms only, 0 (with zero gradient) when
// none is positive — pytorch-metric-learning's reducer for contrastive, triplet, circle, SupCon.
import { tf } from '../backend';

export function avgNonZeroReduce(terms: tf.Tensor, selected: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const positive = tf.mul(tf.step(terms), selected); // step has a zero gradient
    const count = tf.maximum(tf.sum(positive), 1);
    return tf.div(tf.sum(tf.mul(terms, positive)), count) as tf.Scalar;
  });
}
