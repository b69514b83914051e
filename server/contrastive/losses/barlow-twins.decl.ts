import { BOTH_ENGINES, loss, num } from '../declare';

export const barlowTwins = loss('barlowTwins', 'Barlow Twins (Zbontar et al. 2021): make the cross-correlation matrix of the two views\' (batch-normalised) embeddings the identity. No negatives; works with moderate batches; benefits from a wide projection.', {
  lambda: num('Weight λ of the off-diagonal (redundancy) terms (paper: 5e-3).', 0.005, { minimum: 0 }, [0.005, 0.0051]),
}, { needsNegatives: false, usesDistance: false, softmaxLogits: false, minimisedByCollapse: false, expander: true, learnable: false, engines: BOTH_ENGINES });
