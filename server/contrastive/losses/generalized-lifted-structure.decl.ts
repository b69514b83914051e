import { BOTH_ENGINES, loss, num } from '../declare';

export const generalizedLiftedStructure = loss('generalizedLiftedStructure', 'Generalised lifted structure loss (Hermans et al. 2017): per anchor, log-sum-exp over positives against log-sum-exp over negatives. PML `GeneralizedLiftedStructureLoss`.', {
  posMargin: num('Margin for positive distances (PML default 0).', 0, { minimum: 0 }, [0]),
  negMargin: num('Margin for negative distances (PML default 1).', 1, { minimum: 0 }, [1]),
}, { needsNegatives: true, usesDistance: true, softmaxLogits: false, minimisedByCollapse: false, expander: false, learnable: false, engines: BOTH_ENGINES });
