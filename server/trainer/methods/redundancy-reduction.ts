// Barlow Twins (Zbontar et al. 2021) and VICReg (Bardes et al. 2022): both views through the
// online network; the loss compares the two views' outputs dimension by dimension (cross-correlation,
// or variance / invariance / covariance), no negatives. The target of a view is the other view's
// projection (shared weights, or stop-gradient / an EMA network when the spec asks).
import { viewPairMethod, type ViewPairParts } from './two-view';
import type { Method } from './types';

export function redundancyReduction(p: ViewPairParts): Method {
  return viewPairMethod('redundancyReduction', p);
}
