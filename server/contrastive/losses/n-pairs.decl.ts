import { BOTH_ENGINES, loss } from '../declare';

export const nPairs = loss('nPairs', 'N-pair loss (Sohn 2016): a softmax over one positive and N−1 negatives per anchor; an early form of InfoNCE for labelled pairs. PML `NPairsLoss`.', {}, { needsNegatives: true, usesDistance: true, softmaxLogits: true, minimisedByCollapse: false, expander: false, learnable: false, engines: BOTH_ENGINES });
