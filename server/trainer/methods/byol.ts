// BYOL (Grill et al. 2020): both views through the online network (with its prediction head); the
// targets are the EMA network's projections of the other view, under stop-gradient; the
// regression loss (negative cosine) is symmetrised over the two views. No negatives.
import type { Loss } from '../../contrastive/losses/types';
import { emaTarget, type TargetTemperatureTerm } from './branches';
import { symmetricTwoView } from './two-view';
import type { Forward, Method } from './types';

export interface ByolParts {
  readonly online: Forward;
  /** The EMA target network. */
  readonly ema: Forward;
  readonly loss: Loss;
  readonly targetTemperature: TargetTemperatureTerm;
}

export function byol(p: ByolParts): Method {
  return symmetricTwoView({ family: 'byol', online: p.online, target: emaTarget(p.ema), targetTemperature: p.targetTemperature, pairLoss: (o, t) => p.loss.compute({ views: { online: o, target: t } }) });
}
