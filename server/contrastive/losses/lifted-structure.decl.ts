import { BOTH_ENGINES, loss, num } from '../declare';

export const liftedStructure = loss('liftedStructure', 'Lifted structure loss (Oh Song et al. 2016): for each positive pair, a smooth maximum over all its negatives. Uses every negative in the batch. PML `LiftedStructureLoss`.', {
  posMargin: num('Margin for positive distances (PML default 0).', 0, { minimum: 0 }, [0]),
  negMargin: num('Margin for negative distances (PML default 1).', 1, { minimum: 0 }, [1]),
}, { needsNegatives: true, usesDistance: true, softmaxLogits: false, minimisedByCollapse: false, expander: false, learnable: false, engines: BOTH_ENGINES });
