// Losses between two towers' embeddings of the same n pairs (row i of a pairs with row i of b).
// CLIP's symmetric InfoNCE: with S = â b̂ᵀ / τ (cosines of the L2-normalised rows),
//   L = ½ [ (1/n) Σ_i (lse_j S_ij − S_ii) + (1/n) Σ_j (lse_i S_ij − S_jj) ]
// — each a picks its b among the batch's b's, and each b its a; only cross-tower pairs are
// negatives (never a against a). SigLIP across towers is SigLIPLoss with view1 = a, view2 = b.
import { tf } from '../backend';
import { normalizeRows } from '../tensor-utils';

export function symmetricInfoNCE(a: tf.Tensor2D, b: tf.Tensor2D, temperature: number): tf.Scalar {
  if (!(temperature > 0)) throw new Error(`symmetric infoNCE: temperature must be > 0 (got ${temperature}).`);
  if (a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) throw new Error(`symmetric infoNCE: tower a gives ${a.shape.join('×')} but tower b ${b.shape.join('×')}; both towers must embed the same pairs into the same size.`);
  return tf.tidy(() => {
    const s = tf.div(tf.matMul(normalizeRows(a), normalizeRows(b), false, true), temperature) as tf.Tensor2D;
    const diagonal = tf.sum(tf.mul(s, tf.eye(a.shape[0])));
    const rows = tf.sum(tf.logSumExp(s, 1));
    const cols = tf.sum(tf.logSumExp(s, 0));
    return tf.div(tf.sub(tf.add(rows, cols), tf.mul(diagonal, 2)), 2 * a.shape[0]) as tf.Scalar;
  });
}
