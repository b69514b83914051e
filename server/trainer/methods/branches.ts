// The pieces a method's step is made of: what the loss sees from the online branch, what the target
// branch gives (the online projection itself, the same under stop-gradient, or an EMA network's
// projection), and the optional DINO-style target-temperature term.
import { tf } from '../../contrastive/backend';
import { stopGradient, targetTemperatureLoss, type TargetTemperatureOptions } from '../../contrastive/strategies';
import type { Forward, NetworkOutputs } from './types';

/** What the loss sees from the online branch: the prediction head when there is one. */
export function lossView(o: NetworkOutputs): tf.Tensor2D {
  return o.prediction ?? o.projection;
}

/** The target of a view: `online` gives the online outputs of the same view (computed on demand). */
export interface TargetBranch {
  of(x: tf.Tensor, online: () => NetworkOutputs): tf.Tensor2D;
}

/** SimCLR: the target is the online projection itself, gradients flow through both views. */
export const sharedTarget: TargetBranch = { of: (_x, online) => online().projection };

/** SimSiam: the online projection under stop-gradient. */
export const detachedTarget: TargetBranch = { of: (_x, online) => stopGradient(online().projection) };

/** BYOL / MoCo: the EMA network's projection (training mode), under stop-gradient. */
export function emaTarget(target: Forward): TargetBranch {
  return { of: (x) => stopGradient(target(x, true).projection) };
}

/** One (online view a, target view a, target view b) triple of the target-temperature term. */
export type TemperatureTriple = readonly [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];

/** Adds the target-temperature term to a step's loss; the triples are only built when it is used. */
export interface TargetTemperatureTerm {
  add(base: tf.Scalar, triples: () => readonly TemperatureTriple[]): tf.Scalar;
}

export const noTargetTemperature: TargetTemperatureTerm = { add: (base) => base };

/** DINO-style target temperature: online(view a)·target(b)ᵀ learns the sharpened target(a)·target(b)ᵀ; averaged over the triples. */
export function targetTemperature(spec: TargetTemperatureOptions): TargetTemperatureTerm {
  return {
    add(base, triples) {
      const terms = triples().map(([o, ta, tb]) => targetTemperatureLoss(tf.matMul(ta, tb, false, true), tf.matMul(o, tb, false, true), spec));
      return tf.add(base, tf.div(tf.addN(terms), terms.length)) as tf.Scalar;
    },
  };
}
