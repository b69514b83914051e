// SigLIP (Zhai et al. 2023): both views through the online network; every (view 1, view 2) pair of
// the batch is its own binary classification (matching pair or not) with the loss's learnable scale
// and bias. The target of a view is the other view's projection (shared weights, or stop-gradient /
// an EMA network when the spec asks).
import { viewPairMethod, type ViewPairParts } from './two-view';
import type { Method } from './types';

export function siglip(p: ViewPairParts): Method {
  return viewPairMethod('siglip', p);
}
