// One training step's loss for every pairs/loss/strategy combination of the schema:
//  - labelled positives: a sampled batch (weak view if given), embeddings + labels, mined tuples;
//  - two-view augmentation positives: weak and strong views of the same samples;
//  - the target branch: an EMA network (BYOL/MoCo), the online network under stop-gradient
//    (SimSiam), or the online network itself (SimCLR); with a prediction head (or an EMA target)
//    the loss is symmetrised over the two views, as BYOL and SimSiam do;
//  - queue negatives: the target's keys of past batches (MoCo), passed as reference embeddings.
import { tf } from '../contrastive/backend';
import type { Loss } from '../contrastive/losses/types';
import type { Miner } from '../contrastive/miners/types';
import { stopGradient } from '../contrastive/strategies';
import { targetTemperatureLoss } from '../contrastive/strategies';
import type { ResolvedSpec } from '../spec/types';

/** The memory queue of negatives as the objective sees it (adapted from the library's queue). */
export interface NegativesQueue {
  /** The stored keys and their labels, or null while empty. The tensor belongs to the queue. */
  contents(): { readonly embeddings: tf.Tensor2D; readonly labels: Int32Array } | null;
}

/** What the network gives the objective; projection and prediction are already L2-normalised when the spec says so. */
export interface NetworkOutputs {
  readonly representation: tf.Tensor2D;
  /** The projection head's output, or the representation when there is no projection head. */
  readonly projection: tf.Tensor2D;
  /** The prediction head's output, or null. */
  readonly prediction: tf.Tensor2D | null;
}

export type Forward = (x: tf.Tensor, training: boolean) => NetworkOutputs;

export interface StepBatch {
  /** Labels of the batch (class indices), null when training without labels. */
  readonly labels: Int32Array | null;
  /** Labelled positives: the (weakly augmented) batch. Augmentation positives: view 1 (weak). */
  readonly view1: tf.Tensor;
  /** Augmentation positives: view 2 (strong); null for labelled positives. */
  readonly view2: tf.Tensor | null;
}

export interface ObjectiveParts {
  readonly spec: ResolvedSpec;
  readonly loss: Loss;
  readonly miner: Miner | null;
  readonly online: Forward;
  /** The EMA target network, or null when the target shares the online weights. */
  readonly target: Forward | null;
  readonly queue: NegativesQueue | null;
  /** Stop gradients through the target branch (the spec asks, or the loss has no negatives). */
  readonly stopGradients: boolean;
}

export interface StepResult {
  readonly loss: tf.Scalar;
  /** Keys to push into the queue after the step (detached), or null. */
  readonly keys: tf.Tensor2D | null;
  readonly keyLabels: Int32Array | null;
}

function pairIds(n: number): Int32Array {
  return Int32Array.from({ length: 2 * n }, (_, i) => i % n);
}

export function createObjective(parts: ObjectiveParts): (batch: StepBatch) => StepResult {
  const { spec, loss, miner, online, target, queue, stopGradients } = parts;
  /** What the loss sees from the online branch: the prediction head when there is one. */
  const onlineOut = (o: NetworkOutputs): tf.Tensor2D => o.prediction ?? o.projection;
  const hasTargetBranch = target !== null || stopGradients;
  const targetOut = (x: tf.Tensor, onlineOutputs: NetworkOutputs): tf.Tensor2D => {
    if (target !== null) return stopGradient(target(x, true).projection);
    return stopGradients ? stopGradient(onlineOutputs.projection) : onlineOutputs.projection;
  };
  const temperature = spec.strategy.targetTemperature;
  /** DINO-style target temperature: online(view a)·target(b)ᵀ learns the sharpened target(a)·target(b)ᵀ. */
  const withTargetTemperature = (base: tf.Scalar, pairs: readonly (readonly [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D])[]): tf.Scalar => {
    if (temperature === null) return base;
    const terms = pairs.map(([o, ta, tb]) => targetTemperatureLoss(tf.matMul(ta, tb, false, true), tf.matMul(o, tb, false, true), temperature));
    return tf.add(base, tf.div(tf.addN(terms), terms.length)) as tf.Scalar;
  };
  const symmetric = spec.architecture.prediction !== null || target !== null;

  const labelledLoss = (embeddings: tf.Tensor2D, labels: Int32Array): tf.Scalar => {
    const tuples = miner !== null && loss.supportsMining ? miner.mine({ embeddings, labels }) : undefined;
    return loss.compute({ embeddings, labels, ...(tuples ? { tuples } : {}) });
  };

  const withQueue = (queries: tf.Tensor2D, queryLabels: Int32Array, keys: tf.Tensor2D, keyLabels: Int32Array): tf.Scalar => {
    const stored = queue!.contents();
    const refEmbeddings = stored === null ? keys : (tf.concat([keys, stored.embeddings]) as tf.Tensor2D);
    const refLabels = stored === null ? keyLabels : Int32Array.from([...keyLabels, ...stored.labels]);
    return loss.compute({ embeddings: queries, labels: queryLabels, refEmbeddings, refLabels });
  };

  /** The loss between online outputs of one view and the target of the other. */
  const pairLoss = (o: tf.Tensor2D, t: tf.Tensor2D): tf.Scalar => {
    if (loss.input === 'onlineTarget') return loss.compute({ views: { online: o, target: t } });
    if (loss.input === 'twoView') return loss.compute({ views: { view1: o, view2: t } });
    if (miner !== null && loss.supportsMining) return labelledLoss(tf.concat([o, t]) as tf.Tensor2D, pairIds(o.shape[0]));
    return loss.compute({ views: { view1: o, view2: t } });
  };

  return (batch) => {
    if (batch.view2 === null) {
      // Labelled positives: same-class samples of the batch are the positives.
      if (batch.labels === null) throw new Error('pairs.positives is "labels" but this data has no labels; use pairs.positives: augmentation.');
      if (loss.input !== 'labelled') {
        throw new Error(`loss ${loss.type} compares two views of each sample; set pairs.positives: augmentation to train it.`);
      }
      const o = online(batch.view1, true);
      const z = onlineOut(o);
      if (queue !== null) {
        const keys = targetOut(batch.view1, o);
        return { loss: withQueue(z, batch.labels, keys, batch.labels), keys: tf.keep(stopGradient(keys)), keyLabels: batch.labels };
      }
      const base = labelledLoss(z, batch.labels);
      if (temperature === null) return { loss: base, keys: null, keyLabels: null };
      const t = targetOut(batch.view1, o);
      return { loss: withTargetTemperature(base, [[z, t, t]]), keys: null, keyLabels: null };
    }
    const o1 = online(batch.view1, true);
    const z1 = onlineOut(o1);
    if (queue !== null) {
      // MoCo: queries from view 1, keys from the target branch on view 2, past keys as negatives.
      const n = z1.shape[0];
      const o2 = target === null ? online(batch.view2, true) : o1;
      const keys = targetOut(batch.view2, o2);
      const ids = Int32Array.from({ length: n }, (_, i) => i);
      const pushed = Int32Array.from({ length: n }, () => -1);
      return { loss: withQueue(z1, ids, keys, ids), keys: tf.keep(stopGradient(keys)), keyLabels: pushed };
    }
    const o2 = online(batch.view2, true);
    const z2 = onlineOut(o2);
    if (!hasTargetBranch && !symmetric && temperature === null) return { loss: pairLoss(z1, z2), keys: null, keyLabels: null };
    const t2 = targetOut(batch.view2, o2);
    const t1 = targetOut(batch.view1, o1);
    if (!symmetric) return { loss: withTargetTemperature(pairLoss(z1, hasTargetBranch ? t2 : z2), [[z1, t1, t2]]), keys: null, keyLabels: null };
    const base = tf.mul(tf.add(pairLoss(z1, t2), pairLoss(z2, t1)), 0.5) as tf.Scalar;
    return { loss: withTargetTemperature(base, [[z1, t1, t2], [z2, t2, t1]]), keys: null, keyLabels: null };
  };
}
