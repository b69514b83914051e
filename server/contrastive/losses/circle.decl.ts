import { BOTH_ENGINES, loss, num } from '../declare';

export const circle = loss('circle', 'Circle loss (Sun et al. 2020): re-weights each similarity by how far it is from its optimum, giving a circular decision boundary. Defined on cosine similarities — use `distance: {type: cosine}`. PML `CircleLoss`.', {
  m: num('Relaxation margin m (PML default 0.4): optima are 1+m for positives and −m for negatives.', 0.4, { minimum: 0, maximum: 1 }, [0.4, 0.25]),
  gamma: num('Scale factor γ (PML default 80); larger is sharper.', 80, { exclusiveMinimum: 0 }, [80, 64, 256]),
}, { needsNegatives: true, usesDistance: true, softmaxLogits: false, minimisedByCollapse: false, expander: false, learnable: false, engines: BOTH_ENGINES });
