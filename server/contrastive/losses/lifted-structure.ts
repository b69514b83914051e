// Lifted structure loss (Oh Song et al. 2016), as pytorch-metric-learning's LiftedStructureLoss:
// for every ordered positive pair (a, p), J = logsumexp over the negatives of a and of p of
// (negMargin − D) + D_ap − posMargin, l = relu(J)²/2; mean over the positive pairs.
import { tf } from '../backend';
import type { Distance } from '../distances/types';
import { meanReduce } from '../reducers/mean';
import { gatherFlat, maskedLogSumExp, selectRows, zeroLoss } from '../tensor-utils';
import { margin, StatelessLoss } from './base';
import { labelledBatch, pairMasks } from './labelled-batch';
import type { LossInput } from './types';

export class LiftedStructureLoss extends StatelessLoss {
  readonly type = 'liftedStructure';
  readonly input = 'labelled';
  readonly supportsReference = false;
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
      const batch = labelledBatch(input, 'liftedStructure loss', false);
      const masks = pairMasks(batch, input.tuples);
      const mat = this.distance.pairwise(batch.embeddings);
      const n = batch.rows;
      const pairA: number[] = [];
      const pairP: number[] = [];
      for (let k = 0; k < masks.pos.length; k++) {
        if (masks.pos[k] === 1) {
          pairA.push(Math.floor(k / n));
          pairP.push(k % n);
        }
      }
      if (pairA.length === 0 || masks.negCount === 0) return zeroLoss(mat);
      const anchors = Int32Array.from(pairA);
      const positives = Int32Array.from(pairP);
      const negTerms = margin(this.distance, this.negMargin, mat, tf) as tf.Tensor2D;
      const negMask = tf.tensor2d(masks.neg, [n, n]);
      const logits = tf.concat([selectRows(negTerms, anchors), selectRows(negTerms, positives)], 1);
      const keep = tf.concat([selectRows(negMask, anchors), selectRows(negMask, positives)], 1);
      const posTerms = margin(this.distance, gatherFlat(mat, anchors.map((a, k) => a * n + (positives[k] ?? 0))), this.posMargin, tf);
      const j = tf.add(maskedLogSumExp(logits, keep), posTerms);
      const terms = tf.div(tf.square(tf.relu(j)), 2);
      return meanReduce(terms, tf.scalar(1), anchors.length);
    });
  }
}
