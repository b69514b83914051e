// SigLIP (Zhai et al. 2023): both views through the online network; every (view 1, view 2) pair of
// the batch is its own binary classification (matching pair or not) with the loss's learnable scale
// and bias. The target of a view is the other view's projection (shared weights, or stop-gradient /
// an EMA network when the spec asks).
import type { Loss } from '../../contrastive/losses/types';
import type { TargetBranch, TargetTemperatureTerm } from './branches';
import { oneWayTwoView, symmetricTwoView } from './two-view';
import type { Forward, Method } from './types';

export interface SiglipParts {
  readonly online: Forward;
  readonly target: TargetBranch;
  readonly symmetric: boolean;
  readonly loss: Loss;
  readonly targetTemperature: TargetTemperatureTerm;
}

export function siglip(p: SiglipParts): Method {
  const shape = p.symmetric ? symmetricTwoView : oneWayTwoView;
  return shape({ family: 'siglip', online: p.online, target: p.target, targetTemperature: p.targetTemperature, pairLoss: (o, t) => p.loss.compute({ views: { view1: o, view2: t } }) });
}
