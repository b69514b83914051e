// MeanReducer: the plain mean over the selected terms (zeros included).
import { tf } from '../backend';
import type { Reducer } from './types';

/** Σ(terms·selected) / (number of selected terms); 0 when nothing is selected. */
export const meanReducer: Reducer = {
  type: 'mean',
  reduce: (terms, selected, selectedCount) => tf.tidy(() => tf.div(tf.sum(tf.mul(terms, selected)), Math.max(selectedCount, 1)) as tf.Scalar),
};
