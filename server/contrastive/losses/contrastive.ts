// Contrastive loss (Hadsell et al. 2006), as pytorch-metric-learning's ContrastiveLoss:
// positive pairs pay relu(D − posMargin), negative pairs relu(negMargin − D) (mirrored for a
// similarity); each sub-loss is reduced on its own (default: over its non-zero terms), then the
// two are summed.
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import type { Distance } from '../distances/types';
import { avgNonZeroReducer } from '../reducers/avg-non-zero';
import type { Reducer } from '../reducers/types';
import { margin } from './base';
import type { contrastive } from './contrastive.decl';
import { maskTensor } from './labelled-batch';
import { PairLoss, type PairBatch } from './pair-loss';

export class ContrastiveLoss extends PairLoss {
  readonly type = 'contrastive';
  readonly supportsReference = true;

  constructor(
    distance: Distance,
    private readonly options: ParamsOf<typeof contrastive>,
    reducer: Reducer = avgNonZeroReducer,
  ) {
    super(distance, reducer);
  }

  protected formula({ batch, masks, mat }: PairBatch): tf.Scalar {
    const posLoss = tf.relu(margin(this.distance, mat, this.options.posMargin, tf));
    const negLoss = tf.relu(margin(this.distance, this.options.negMargin, mat, tf));
    return tf.add(this.reducer.reduce(posLoss, maskTensor(masks.pos, batch), masks.posCount), this.reducer.reduce(negLoss, maskTensor(masks.neg, batch), masks.negCount));
  }
}
