// MoCo (He et al. 2020): queries from the online network, keys from the target branch (an EMA key
// encoder, or the online network under stop-gradient), and the keys of past batches from a memory
// queue as extra negatives; the step's keys are pushed into the queue after the update. On two
// augmented views the query is view 1 and its key view 2 (each query's only positive); on labelled
// batches the keys are the batch itself and a pair is positive when the classes match.
import { tf } from '../../contrastive/backend';
import type { Loss } from '../../contrastive/losses/types';
import { stopGradient } from '../../contrastive/strategies';
import { lossView, type TargetBranch } from './branches';
import { batchLabels } from './supervised';
import type { Forward, Method, NegativesQueue } from './types';

export interface MocoParts {
  readonly online: Forward;
  readonly target: TargetBranch;
  readonly loss: Loss;
  readonly queue: NegativesQueue;
}

/** The loss of the queries against this step's keys followed by the queued ones. */
function againstQueue(p: MocoParts, queries: tf.Tensor2D, queryLabels: Int32Array, keys: tf.Tensor2D, keyLabels: Int32Array): tf.Scalar {
  const stored = p.queue.contents();
  const refEmbeddings = stored === null ? keys : (tf.concat([keys, stored.embeddings]) as tf.Tensor2D);
  const refLabels = stored === null ? keyLabels : Int32Array.from([...keyLabels, ...stored.labels]);
  return p.loss.compute({ embeddings: queries, labels: queryLabels, refEmbeddings, refLabels });
}

export function mocoOnViews(p: MocoParts): Method {
  return {
    family: 'moco',
    step(batch) {
      if (batch.view2 === null) throw new Error('MoCo on augmentation positives needs two views of each sample, but the batch has one.');
      const view2 = batch.view2;
      const z1 = lossView(p.online(batch.view1, true));
      const n = z1.shape[0];
      const keys = p.target.of(view2, () => p.online(view2, true));
      const ids = Int32Array.from({ length: n }, (_, i) => i);
      // Pushed keys match no future query: in the queue they are negatives only.
      const pushed = Int32Array.from({ length: n }, () => -1);
      return { loss: againstQueue(p, z1, ids, keys, ids), keys: tf.keep(stopGradient(keys)), keyLabels: pushed };
    },
  };
}

export function mocoOnLabels(p: MocoParts): Method {
  return {
    family: 'moco',
    step(batch) {
      const labels = batchLabels(batch, p.loss);
      const o = p.online(batch.view1, true);
      const keys = p.target.of(batch.view1, () => o);
      return { loss: againstQueue(p, lossView(o), labels, keys, labels), keys: tf.keep(stopGradient(keys)), keyLabels: labels };
    },
  };
}
