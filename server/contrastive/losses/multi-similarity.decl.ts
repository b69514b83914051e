import { BOTH_ENGINES, loss, num } from '../declare';

export const multiSimilarity = loss('multiSimilarity', 'Multi-similarity loss (Wang et al. 2019): weights pairs by self-similarity and relative similarity; strong on retrieval benchmarks, best with the multiSimilarity miner. PML `MultiSimilarityLoss`.', {
  alpha: num('Weight of positive pairs α (PML default 2).', 2, { exclusiveMinimum: 0 }, [2]),
  beta: num('Weight of negative pairs β (PML default 50).', 50, { exclusiveMinimum: 0 }, [50, 40]),
  base: num('Similarity offset λ (PML default 0.5).', 0.5, {}, [0.5, 1]),
}, { needsNegatives: true, usesDistance: true, softmaxLogits: false, minimisedByCollapse: false, expander: false, learnable: false, engines: BOTH_ENGINES });
