import { BOTH_ENGINES, miner } from '../declare';

// No miner object: the losses then use every pair or triplet of the batch.
export const noMining = miner('none', 'No mining: the loss uses every pair or triplet in the batch. The right choice for softmax losses (InfoNCE, SupCon) and for unlabelled data.', {}, { needsLabels: false, engines: BOTH_ENGINES });
