// SimSiam (Chen & He 2021): both views through the online network; the target of a view is the
// other view's online projection under stop-gradient; the regression loss (negative cosine) is
// symmetrised when a prediction head makes the branches asymmetric. No negatives, no EMA.
import type { Loss } from '../../contrastive/losses/types';
import { detachedTarget, type TargetTemperatureTerm } from './branches';
import { oneWayTwoView, symmetricTwoView } from './two-view';
import type { Forward, Method } from './types';

export interface SimsiamParts {
  readonly online: Forward;
  /** Both directions: true with a prediction head. */
  readonly symmetric: boolean;
  readonly loss: Loss;
  readonly targetTemperature: TargetTemperatureTerm;
}

export function simsiam(p: SimsiamParts): Method {
  const shape = p.symmetric ? symmetricTwoView : oneWayTwoView;
  return shape({ family: 'simsiam', online: p.online, target: detachedTarget, targetTemperature: p.targetTemperature, pairLoss: (o, t) => p.loss.compute({ views: { online: o, target: t } }) });
}
