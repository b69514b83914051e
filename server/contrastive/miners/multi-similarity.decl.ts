import { BOTH_ENGINES, miner, num } from '../declare';

export const multiSimilarityMiner = miner('multiSimilarity', 'Multi-similarity miner (Wang et al. 2019): keeps negatives more similar than the hardest positive minus ε and positives less similar than the hardest negative plus ε. Pairs naturally with the multiSimilarity loss.', {
  epsilon: num('Slack ε of the mining condition.', 0.1, { minimum: 0 }, [0.1, 0.05]),
}, { needsLabels: true, engines: BOTH_ENGINES });
