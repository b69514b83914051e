import { BOTH_ENGINES, miner } from '../declare';

export const batchHard = miner('batchHard', 'Batch-hard (Hermans et al. 2017, "In Defense of the Triplet Loss"): for each anchor, its farthest positive and its closest negative. Strong for re-identification with an m-per-class sampler; can collapse early in training on noisy labels.', {}, { needsLabels: true, engines: BOTH_ENGINES });
