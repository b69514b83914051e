// A loss's value on a pair of embedding matrices, whatever input form it takes: labelled losses read
// the first matrix with `labels`; two-view and online/target losses take the two matrices as views;
// a classifying loss reads the first matrix as class logits.
import { tf } from '../../../server/contrastive/backend';
import type { Loss } from '../../../server/contrastive/losses/types';

export function lossOnAnyInput(loss: Loss, x: tf.Tensor2D, y: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  return tf.tidy(() => {
    switch (loss.input) {
      case 'labelled':
        return loss.compute({ embeddings: x, labels });
      case 'twoView':
        return loss.compute({ views: { view1: x, view2: y } });
      case 'onlineTarget':
        return loss.compute({ views: { online: x, target: y } });
      case 'classes':
        // The first matrix as class logits (the labels must be below its width).
        return loss.compute({ embeddings: x, labels });
    }
  });
}
