// The miner contract: a miner looks at a batch and returns index tuples that losses accept.
import type { tf } from '../backend';

/** Index triplets (anchor, positive, negative) into embeddings / refEmbeddings. */
export interface MinedTriplets {
  readonly kind: 'triplets';
  readonly anchors: Int32Array;
  readonly positives: Int32Array;
  readonly negatives: Int32Array;
}

/** Positive pairs (posAnchors[i], positives[i]) and negative pairs (negAnchors[i], negatives[i]). */
export interface MinedPairs {
  readonly kind: 'pairs';
  readonly posAnchors: Int32Array;
  readonly positives: Int32Array;
  readonly negAnchors: Int32Array;
  readonly negatives: Int32Array;
}

export type MinedTuples = MinedTriplets | MinedPairs;

export type LabelArray = Int32Array | readonly number[];

export interface MinerInput {
  readonly embeddings: tf.Tensor2D;
  readonly labels: LabelArray;
  /** When given, anchors index `embeddings` and positives/negatives index `refEmbeddings`. */
  readonly refEmbeddings?: tf.Tensor2D;
  readonly refLabels?: LabelArray;
}

export interface Miner {
  readonly type: 'batchHard' | 'hard' | 'semiHard' | 'easy' | 'all' | 'multiSimilarity';
  /** Reads the batch's distance matrix (no gradient) and returns the selected tuples, sorted. */
  mine(input: MinerInput): MinedTuples;
}
