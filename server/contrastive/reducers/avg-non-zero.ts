// AvgNonZeroReducer: the mean over the strictly positive terms only, 0 (with zero gradient) when
// none is positive — pytorch-metric-learning's reducer for contrastive, triplet, circle, SupCon.
import { tf } from '../backend';
import type { Reducer } from './types';

export const avgNonZeroReducer: Reducer = {
  type: 'avgNonZero',
  // The count of selected terms is not needed: only the positive ones are counted.
  reduce: (terms, selected) =>
    tf.tidy(() => {
      const positive = tf.mul(tf.step(terms), selected); // step has a zero gradient
      const count = tf.maximum(tf.sum(positive), 1);
      return tf.div(tf.sum(tf.mul(terms, positive)), count) as tf.Scalar;
    }),
};
