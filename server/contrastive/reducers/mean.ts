// MeanReducer: the plain mean over the selected terms (zeros included).
import { tf } from '../backend';

/** Σ(terms·selected) / (number of selected terms); 0 when nothing is selected. */
export function meanReduce(terms: tf.Tensor, selected: tf.Tensor, selectedCount: number): tf.Scalar {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(terms, selected)), Math.max(selectedCount, 1)) as tf.Scalar);
}
