// The loss contract the trainer calls. Every loss is a differentiable function of its inputs,
// built on a Distance (so any loss works with any sensible distance), reduced exactly as the
// reference definitions say (test/fixtures/reference/README.md).
//
// How the trainer feeds each family (`loss.input` tells which):
//  - 'labelled' (contrastive, triplet, nPairs, liftedStructure, generalizedLiftedStructure,
//    infoNCE, supCon, circle, softNearestNeighbor, multiSimilarity):
//      with labels:      { embeddings, labels, tuples? or miner? }
//      two-view SSL:     { views: { view1, view2 } } — the loss concatenates the views and uses
//                        pair ids [0..n-1, 0..n-1] as labels (SimCLR / NT-Xent, SNN); equivalent
//                        to passing embeddings = concat(view1, view2) with those labels.
//      memory queue:     add { refEmbeddings, refLabels }: the matrix becomes dist(embeddings,
//                        refEmbeddings); a pair (i, j) is positive when labels[i] = refLabels[j].
//                        For MoCo: embeddings = queries (labels 0..n-1), refEmbeddings =
//                        concat(keys, queue), refLabels = [0..n-1, then ids no query has, e.g. -1].
//                        Only losses with `supportsReference` accept it.
//  - 'twoView' (vicreg, barlowTwins, siglip): { views: { view1, view2 } } (or embeddings = view1,
//    refEmbeddings = view2).
//  - 'classes' (crossEntropy): { embeddings: the representation, labels } — a classifier head the
//    loss owns turns them into class logits.
//  - 'onlineTarget' (negativeCosine): { views: { online, target } } — online = the prediction
//    head's output, target = the target branch's projection; the target gets a stop-gradient.
import type { tf } from '../backend';
import type { LabelArray, MinedTuples, Miner } from '../miners/types';
import type { LossType } from './declarations';

export type LossInputForm = 'labelled' | 'twoView' | 'onlineTarget' | 'classes';

export interface TwoViews {
  readonly view1: tf.Tensor2D;
  readonly view2: tf.Tensor2D;
}

export interface OnlineTarget {
  readonly online: tf.Tensor2D;
  readonly target: tf.Tensor2D;
}

export interface LossInput {
  readonly embeddings?: tf.Tensor2D;
  readonly labels?: LabelArray;
  readonly refEmbeddings?: tf.Tensor2D;
  readonly refLabels?: LabelArray;
  /** Mined tuples (from a Miner); without them a labelled loss uses all pairs / triplets. */
  readonly tuples?: MinedTuples;
  /** A miner the labelled loss asks for the tuples of its batch (when no tuples are given). */
  readonly miner?: Miner;
  readonly views?: TwoViews | OnlineTarget;
}

export interface Loss {
  readonly type: LossType;
  readonly input: LossInputForm;
  /** Whether refEmbeddings/refLabels (a memory queue of negatives) are accepted. */
  readonly supportsReference: boolean;
  /** Whether mined tuples are accepted. */
  readonly supportsMining: boolean;
  /** The scalar loss, differentiable with respect to every input tensor and trainableVariables. */
  compute(input: LossInput): tf.Scalar;
  /** Parameters the loss owns and the optimiser should update (SigLIP t′ and b, SNN temperature). */
  readonly trainableVariables: readonly tf.Variable[];
  /** Frees the loss's variables. */
  dispose(): void;
}
