// Turns a LossInput into a labelled batch and enumerates its pairs and triplets, from labels or
// from mined tuples. Index bookkeeping happens on the host (labels are host arrays); only the
// 0/1 masks and the distance matrix live on the backend.
import { tf } from '../backend';
import type { LabelArray, MinedTuples } from '../miners/types';
import type { LossInput, OnlineTarget, TwoViews } from './types';

export interface LabelledBatch {
  readonly embeddings: tf.Tensor2D;
  /** undefined = self mode (pairs within embeddings). */
  readonly ref: tf.Tensor2D | undefined;
  readonly labels: Int32Array;
  readonly refLabels: Int32Array;
  readonly rows: number;
  readonly cols: number;
}

export function isTwoViews(views: TwoViews | OnlineTarget): views is TwoViews {
  return 'view1' in views;
}

function toInt32(labels: LabelArray): Int32Array {
  return labels instanceof Int32Array ? labels : Int32Array.from(labels);
}

/** Pair ids [0..n−1, 0..n−1] for two views of n samples. */
export function pairIds(n: number): Int32Array {
  const ids = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) ids[i] = ids[i + n] = i;
  return ids;
}

/**
 * The embeddings and labels a labelled loss sees. Two views become concat(view1, view2) with pair
 * ids as labels (SimCLR). Call inside tf.tidy (the concatenation is a new tensor).
 */
export function labelledBatch(input: LossInput, lossName: string, allowReference: boolean): LabelledBatch {
  let embeddings: tf.Tensor2D;
  let labels: Int32Array;
  if (input.embeddings !== undefined && input.labels !== undefined) {
    embeddings = input.embeddings;
    labels = toInt32(input.labels);
  } else if (input.views !== undefined && isTwoViews(input.views)) {
    const { view1, view2 } = input.views;
    if (view1.shape[0] !== view2.shape[0]) throw new Error(`${lossName}: view1 has ${view1.shape[0]} rows but view2 has ${view2.shape[0]}; the two views must pair up row by row.`);
    embeddings = tf.concat([view1, view2], 0);
    labels = pairIds(view1.shape[0]);
  } else {
    throw new Error(`${lossName} needs labelled embeddings ({ embeddings, labels }) or two views ({ views: { view1, view2 } }).`);
  }
  if (labels.length !== embeddings.shape[0]) {
    throw new Error(`${lossName}: ${labels.length} labels for ${embeddings.shape[0]} embeddings; give one label per row.`);
  }
  if (input.refEmbeddings === undefined) {
    return { embeddings, ref: undefined, labels, refLabels: labels, rows: embeddings.shape[0], cols: embeddings.shape[0] };
  }
  if (!allowReference) throw new Error(`${lossName} does not accept reference embeddings (a memory queue); with a queue use contrastive, triplet, generalizedLiftedStructure, infoNCE, supCon, circle, softNearestNeighbor or multiSimilarity.`);
  if (input.refLabels === undefined) throw new Error(`${lossName}: refEmbeddings were given without refLabels; give one label per reference row.`);
  const refLabels = toInt32(input.refLabels);
  if (refLabels.length !== input.refEmbeddings.shape[0]) {
    throw new Error(`${lossName}: ${refLabels.length} refLabels for ${input.refEmbeddings.shape[0]} refEmbeddings; give one label per reference row.`);
  }
  return { embeddings, ref: input.refEmbeddings, labels, refLabels, rows: embeddings.shape[0], cols: input.refEmbeddings.shape[0] };
}

export interface PairMasks {
  /** rows×cols 0/1 masks of positive and negative pairs. */
  readonly pos: Float32Array;
  readonly neg: Float32Array;
  readonly posCount: number;
  readonly negCount: number;
}

/** The label masks of the last batch, reused while the labels repeat (SimCLR's view indices do every step). */
let lastLabelMasks: { readonly self: boolean; readonly labels: Int32Array; readonly refLabels: Int32Array; readonly masks: PairMasks } | undefined;

const sameValues = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Positive pairs (i, j): same label, i ≠ j in self mode; negative pairs: different labels. With
 * mined tuples, exactly the mined pairs (triplets (a,p,n) give the pairs (a,p) and (a,n)).
 * The masks are shared with later calls for the same labels: read them, never write them.
 */
export function pairMasks(batch: LabelledBatch, tuples?: MinedTuples): PairMasks {
  if (tuples !== undefined) return tupleMasks(batch, tuples);
  const self = batch.ref === undefined;
  const last = lastLabelMasks;
  if (last !== undefined && last.self === self && sameValues(last.labels, batch.labels) && sameValues(last.refLabels, batch.refLabels)) return last.masks;
  const masks = labelMasks(batch, self);
  lastLabelMasks = { self, labels: batch.labels.slice(), refLabels: batch.refLabels.slice(), masks };
  return masks;
}

function labelMasks(batch: LabelledBatch, self: boolean): PairMasks {
  const { rows, cols, labels, refLabels } = batch;
  const pos = new Float32Array(rows * cols);
  const neg = new Float32Array(rows * cols);
  let posCount = 0;
  let negCount = 0;
  for (let i = 0; i < rows; i++) {
    const label = labels[i];
    for (let j = 0; j < cols; j++) {
      if (label === refLabels[j]) {
        if (!self || i !== j) {
          pos[i * cols + j] = 1;
          posCount++;
        }
      } else {
        neg[i * cols + j] = 1;
        negCount++;
      }
    }
  }
  return { pos, neg, posCount, negCount };
}

function tupleMasks(batch: LabelledBatch, tuples: MinedTuples): PairMasks {
  const { rows, cols } = batch;
  const pos = new Float32Array(rows * cols);
  const neg = new Float32Array(rows * cols);
  if (tuples.kind === 'pairs') {
    tuples.posAnchors.forEach((a, k) => (pos[a * cols + (tuples.positives[k] ?? 0)] = 1));
    tuples.negAnchors.forEach((a, k) => (neg[a * cols + (tuples.negatives[k] ?? 0)] = 1));
  } else {
    tuples.anchors.forEach((a, k) => {
      pos[a * cols + (tuples.positives[k] ?? 0)] = 1;
      neg[a * cols + (tuples.negatives[k] ?? 0)] = 1;
    });
  }
  let posCount = 0;
  let negCount = 0;
  for (let k = 0; k < pos.length; k++) {
    posCount += pos[k] ?? 0;
    negCount += neg[k] ?? 0;
  }
  return { pos, neg, posCount, negCount };
}

export interface Triplets {
  readonly anchors: Int32Array;
  readonly positives: Int32Array;
  readonly negatives: Int32Array;
}

/**
 * Triplets (a, p, n) in lexicographic order: all of them from labels (a ≠ p in self mode), the
 * mined triplets, or every combination of a mined positive pair and a mined negative pair that
 * share their anchor.
 */
export function triplets(batch: LabelledBatch, tuples?: MinedTuples): Triplets {
  if (tuples !== undefined && tuples.kind === 'triplets') return tuples;
  const { rows, cols } = batch;
  const posOf: number[][] = Array.from({ length: rows }, () => []);
  const negOf: number[][] = Array.from({ length: rows }, () => []);
  if (tuples === undefined) {
    const masks = pairMasks(batch);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        if (masks.pos[i * cols + j] === 1) posOf[i]?.push(j);
        else if (masks.neg[i * cols + j] === 1) negOf[i]?.push(j);
      }
    }
  } else {
    tuples.posAnchors.forEach((a, k) => posOf[a]?.push(tuples.positives[k] ?? 0));
    tuples.negAnchors.forEach((a, k) => negOf[a]?.push(tuples.negatives[k] ?? 0));
  }
  let total = 0;
  for (let a = 0; a < rows; a++) total += (posOf[a]?.length ?? 0) * (negOf[a]?.length ?? 0);
  const anchors = new Int32Array(total);
  const positives = new Int32Array(total);
  const negatives = new Int32Array(total);
  let k = 0;
  for (let a = 0; a < rows; a++) {
    for (const p of posOf[a] ?? []) {
      for (const n of negOf[a] ?? []) {
        anchors[k] = a;
        positives[k] = p;
        negatives[k] = n;
        k++;
      }
    }
  }
  return { anchors, positives, negatives };
}

/** A host 0/1 mask as a rows×cols tensor. */
export function maskTensor(values: Float32Array, batch: LabelledBatch): tf.Tensor2D {
  return tf.tensor2d(values, [batch.rows, batch.cols]);
}
