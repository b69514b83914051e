// The (view1, view2) pair that VICReg, Barlow Twins and SigLIP compare row by row.
import type { tf } from '../backend';
import { isTwoViews } from './labelled-batch';
import type { LossInput } from './types';

export function twoViews(input: LossInput, lossName: string): { view1: tf.Tensor2D; view2: tf.Tensor2D } {
  let view1: tf.Tensor2D;
  let view2: tf.Tensor2D;
  if (input.views !== undefined && isTwoViews(input.views)) ({ view1, view2 } = input.views);
  else if (input.embeddings !== undefined && input.refEmbeddings !== undefined) [view1, view2] = [input.embeddings, input.refEmbeddings];
  else throw new Error(`${lossName} needs two views: { views: { view1, view2 } } (or embeddings = view1 and refEmbeddings = view2).`);
  if (view1.shape[0] !== view2.shape[0] || view1.shape[1] !== view2.shape[1]) {
    throw new Error(`${lossName}: view1 is ${view1.shape.join('×')} but view2 is ${view2.shape.join('×')}; the views must have the same shape.`);
  }
  if (view1.shape[0] < 2) throw new Error(`${lossName} needs a batch of at least 2 samples (got ${view1.shape[0]}).`);
  return { view1, view2 };
}
