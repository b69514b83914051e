// The two-view step every augmentation method without a queue shares: both views go through the
// online network, then the target branch gives view 2's and view 1's targets (in that order: the
// EMA network's batch-norm statistics and dropout masks depend on it). One-way: the loss compares
// online(view 1) with target(view 2); symmetric (a prediction head or an EMA target, as BYOL and
// SimSiam do): the mean of both directions.
import { tf } from '../../contrastive/backend';
import type { Loss } from '../../contrastive/losses/types';
import { lossView, type TargetBranch, type TargetTemperatureTerm } from './branches';
import type { Forward, Method, MethodFamily, StepBatch } from './types';

/** The loss between the online outputs of one view and the targets of the other. */
export type PairObjective = (online: tf.Tensor2D, target: tf.Tensor2D) => tf.Scalar;

export interface TwoViewParts {
  readonly family: MethodFamily;
  readonly online: Forward;
  readonly target: TargetBranch;
  readonly pairLoss: PairObjective;
  readonly targetTemperature: TargetTemperatureTerm;
}

function secondView(batch: StepBatch): tf.Tensor {
  if (batch.view2 === null) throw new Error('this method compares two augmented views of each sample, but the batch has one.');
  return batch.view2;
}

export function oneWayTwoView(p: TwoViewParts): Method {
  return {
    family: p.family,
    step(batch) {
      const view2 = secondView(batch);
      const o1 = p.online(batch.view1, true);
      const z1 = lossView(o1);
      const o2 = p.online(view2, true);
      const t2 = p.target.of(view2, () => o2);
      const t1 = p.target.of(batch.view1, () => o1);
      return { loss: p.targetTemperature.add(p.pairLoss(z1, t2), () => [[z1, t1, t2]]), keys: null, keyLabels: null };
    },
  };
}

export function symmetricTwoView(p: TwoViewParts): Method {
  return {
    family: p.family,
    step(batch) {
      const view2 = secondView(batch);
      const o1 = p.online(batch.view1, true);
      const z1 = lossView(o1);
      const o2 = p.online(view2, true);
      const z2 = lossView(o2);
      const t2 = p.target.of(view2, () => o2);
      const t1 = p.target.of(batch.view1, () => o1);
      const base = tf.mul(tf.add(p.pairLoss(z1, t2), p.pairLoss(z2, t1)), 0.5) as tf.Scalar;
      return {
        loss: p.targetTemperature.add(base, () => [
          [z1, t1, t2],
          [z2, t2, t1],
        ]),
        keys: null,
        keyLabels: null,
      };
    },
  };
}

/** A method whose loss compares the two views' outputs directly (Barlow Twins, VICReg, SigLIP). */
export interface ViewPairParts {
  readonly online: Forward;
  readonly target: TargetBranch;
  /** Both directions (a prediction head or an EMA target make the branches asymmetric). */
  readonly symmetric: boolean;
  readonly loss: Loss;
  readonly targetTemperature: TargetTemperatureTerm;
}

export function viewPairMethod(family: MethodFamily, p: ViewPairParts): Method {
  const shape = p.symmetric ? symmetricTwoView : oneWayTwoView;
  return shape({ family, online: p.online, target: p.target, targetTemperature: p.targetTemperature, pairLoss: (o, t) => p.loss.compute({ views: { view1: o, view2: t } }) });
}
