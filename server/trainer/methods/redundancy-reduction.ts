// Barlow Twins (Zbontar et al. 2021) and VICReg (Bardes et al. 2022): both views through the
// online network; the loss compares the two views' outputs dimension by dimension (cross-correlation,
// or variance / invariance / covariance), no negatives. The target of a view is the other view's
// projection (shared weights, or stop-gradient / an EMA network when the spec asks).
import type { Loss } from '../../contrastive/losses/types';
import type { TargetBranch, TargetTemperatureTerm } from './branches';
import { oneWayTwoView, symmetricTwoView } from './two-view';
import type { Forward, Method } from './types';

export interface RedundancyReductionParts {
  readonly online: Forward;
  readonly target: TargetBranch;
  readonly symmetric: boolean;
  readonly loss: Loss;
  readonly targetTemperature: TargetTemperatureTerm;
}

export function redundancyReduction(p: RedundancyReductionParts): Method {
  const shape = p.symmetric ? symmetricTwoView : oneWayTwoView;
  return shape({ family: 'redundancyReduction', online: p.online, target: p.target, targetTemperature: p.targetTemperature, pairLoss: (o, t) => p.loss.compute({ views: { view1: o, view2: t } }) });
}
