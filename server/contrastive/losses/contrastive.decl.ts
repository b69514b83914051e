import { BOTH_ENGINES, loss, num } from '../declare';

export const contrastive = loss('contrastive', 'Contrastive (Siamese) loss (Hadsell, Chopra & LeCun 2006): pull positives within `posMargin`, push negatives beyond `negMargin`. Simple and interpretable; sensitive to the margins and to the distance scale. PML `ContrastiveLoss`.', {
  posMargin: num('Positive pairs closer than this cost nothing (PML default 0).', 0, { minimum: 0 }, [0, 0.1]),
  negMargin: num('Negative pairs farther than this cost nothing (PML default 1). Must exceed `posMargin`; with normalised euclidean distances (range [0, 2]) values near 1 work.', 1, { minimum: 0 }, [1, 0.5, 1.5]),
}, { needsNegatives: true, usesDistance: true, softmaxLogits: false, minimisedByCollapse: false, expander: false, learnable: false, engines: BOTH_ENGINES });
