// Contrastive loss (Hadsell et al. 2006), as pytorch-metric-learning's ContrastiveLoss:
// positive pairs pay relu(D − posMargin), negative pairs relu(negMargin − D) (mirrored for a
// similarity); each sub-loss is averaged over its non-zero terms, then the two are summed.
import { tf } from '../backend';
import type { Distance } from '../distances/types';
import { avgNonZeroReduce } from '../reducers/avg-non-zero';
import { margin, StatelessLoss } from './base';
import { labelledBatch, maskTensor, pairMasks } from './labelled-batch';
import type { LossInput } from './types';

export class ContrastiveLoss extends StatelessLoss {
  readonly type = 'contrastive';
  readonly input = 'labelled';
  readonly supportsReference = true;
  readonly supportsMining = true;

  constructor(
    private readonly distance: Distance,
    private readonly posMargin: number,
    private readonly negMargin: number,
  ) {
    super();
  }

  compute(input: LossInput): tf.Scalar {
    return tf.tidy(() => {
      const batch = labelledBatch(input, 'contrastive loss', true);
      const masks = pairMasks(batch, input.tuples);
      const mat = this.distance.pairwise(batch.embeddings, batch.ref);
      const posLoss = tf.relu(margin(this.distance, mat, this.posMargin, tf));
      const negLoss = tf.relu(margin(this.distance, this.negMargin, mat, tf));
      return tf.add(avgNonZeroReduce(posLoss, maskTensor(masks.pos, batch)), avgNonZeroReduce(negLoss, maskTensor(masks.neg, batch)));
    });
  }
}
