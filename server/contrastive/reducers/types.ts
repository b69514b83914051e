// The reducer contract: how a loss turns its per-row, per-pair or per-triplet terms into one scalar
// (pytorch-metric-learning's reducers). A loss takes one as a constructor argument.
import type { tf } from '../backend';

export interface Reducer {
  readonly type: 'mean' | 'avgNonZero';
  /**
   * One scalar from `terms`, counting only the entries `selected` (a 0/1 tensor broadcastable to
   * terms) marks; `selectedCount` is the number of selected entries (known on the host).
   */
  reduce(terms: tf.Tensor, selected: tf.Tensor, selectedCount: number): tf.Scalar;
}
