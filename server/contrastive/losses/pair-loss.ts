// The pair-loss template (pytorch-metric-learning's BaseMetricLossFunction): every labelled loss
// does the same preamble — the labelled batch (labels, or two views with pair ids), the mined
// tuples (given, or from the input's miner), the positive/negative pair masks and the pairwise
// distance matrix — and then applies its own formula, averaged by its reducer.
import { tf } from '../backend';
import type { Distance } from '../distances/types';
import type { MinedTuples } from '../miners/types';
import type { Reducer } from '../reducers/types';
import { labelledBatch, pairMasks, type LabelledBatch, type PairMasks } from './labelled-batch';
import type { Loss, LossInput } from './types';

/** What a pair loss's formula gets: the batch, its pairs and their distances. */
export interface PairBatch {
  readonly batch: LabelledBatch;
  /** The mined tuples; undefined = every pair / triplet of the batch. */
  readonly tuples: MinedTuples | undefined;
  readonly masks: PairMasks;
  /** rows × cols distances (or similarities) between embeddings and the reference (or themselves). */
  readonly mat: tf.Tensor2D;
}

export abstract class PairLoss implements Loss {
  abstract readonly type: Loss['type'];
  readonly input = 'labelled';
  abstract readonly supportsReference: boolean;
  readonly supportsMining = true;
  readonly trainableVariables: readonly tf.Variable[] = [];

  constructor(
    protected readonly distance: Distance,
    protected readonly reducer: Reducer,
  ) {}

  compute(input: LossInput): tf.Scalar {
    return tf.tidy(() => {
      const batch = labelledBatch(input, `${this.type} loss`, this.supportsReference);
      const tuples = input.tuples ?? input.miner?.mine({ embeddings: batch.embeddings, labels: batch.labels, ...(batch.ref !== undefined ? { refEmbeddings: batch.ref, refLabels: batch.refLabels } : {}) });
      const masks = pairMasks(batch, tuples);
      const mat = this.distance.pairwise(batch.embeddings, batch.ref);
      return this.formula({ batch, tuples, masks, mat });
    });
  }

  /** The loss itself, called inside the template's tf.tidy. */
  protected abstract formula(pairs: PairBatch): tf.Scalar;

  dispose(): void {
    // Nothing to free unless a loss owns variables (it then overrides this).
  }
}
