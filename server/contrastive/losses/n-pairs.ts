// N-pairs loss (Sohn 2016), as pytorch-metric-learning's NPairsLoss: one (anchor, positive) pair
// per class — the first positive pair of each label, labels ascending — then cross-entropy of each
// anchor's similarities to all positives with its own positive as the target; reduced over the
// anchors (default: mean).
import { tf } from '../backend';
import type { Distance } from '../distances/types';
import { meanReducer } from '../reducers/mean';
import type { Reducer } from '../reducers/types';
import { eye, rowLogSumExp, selectRows, zeroLoss } from '../tensor-utils';
import { PairLoss, type PairBatch } from './pair-loss';

export class NPairsLoss extends PairLoss {
  readonly type = 'nPairs';
  readonly supportsReference = false;

  constructor(distance: Distance, reducer: Reducer = meanReducer) {
    super(distance, reducer);
  }

  protected formula({ batch, masks }: PairBatch): tf.Scalar {
    const { anchors, positives } = firstPairPerLabel(batch.labels, masks.pos, batch.cols);
    if (anchors.length === 0) return zeroLoss(batch.embeddings);
    const sim = this.distance.pairwise(selectRows(batch.embeddings, anchors), selectRows(batch.embeddings, positives));
    const logits = this.distance.isInverted ? sim : tf.neg(sim);
    const k = anchors.length;
    const crossEntropy = tf.sub(rowLogSumExp(logits), tf.sum(tf.mul(logits, eye(k)), 1));
    return this.reducer.reduce(crossEntropy, tf.scalar(1), k);
  }
}

/** For each label (ascending), the first positive pair in row-major order. */
export function firstPairPerLabel(labels: Int32Array, pos: Float32Array, cols: number): { anchors: Int32Array; positives: Int32Array } {
  const chosen = new Map<number, [number, number]>();
  for (let k = 0; k < pos.length; k++) {
    if (pos[k] !== 1) continue;
    const a = Math.floor(k / cols);
    const label = labels[a] ?? 0;
    if (!chosen.has(label)) chosen.set(label, [a, k % cols]);
  }
  const ordered = [...chosen.entries()].sort((x, y) => x[0] - y[0]).map((e) => e[1]);
  return { anchors: Int32Array.from(ordered.map((p) => p[0])), positives: Int32Array.from(ordered.map((p) => p[1])) };
}
