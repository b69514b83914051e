import { BOTH_ENGINES, bool, loss, num } from '../declare';

// Every other pair of the batch is a negative; it compares views by its own cosine, never through `distance`.
export const siglip = loss('siglip', 'Sigmoid loss (SigLIP, Zhai et al. 2023): an independent binary classification per pair, σ(t·sim + b). No batch-wide softmax, so it behaves well at small batches. Starts at t′ = ln 10 (t = 10) and b = −10, both learnable.', {
  logitScale: num('Initial log-temperature t′; the logit scale is exp(t′) (paper: ln 10 ≈ 2.3026).', 2.302585092994046, {}, [2.302585092994046]),
  logitBias: num('Initial bias b (paper: −10): starts the model predicting "not a pair", matching the heavy class imbalance.', -10, {}, [-10]),
  learnable: bool('Learn t′ and b with the network (paper: yes).', true),
}, { needsNegatives: true, usesDistance: false, softmaxLogits: false, minimisedByCollapse: false, expander: false, learnable: 'learnable', engines: BOTH_ENGINES });
