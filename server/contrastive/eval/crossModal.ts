// Cross-modal evaluation of two towers on held-out pairs: retrieval recall@k in both directions
// and zero-shot classification.
//  - a→b recall@k: the share of a's whose partner is among their k nearest b's (cosine). Items with
//    the same content (two identical captions) are one item: retrieving either counts, and the k
//    nearest are k distinct items. `groupA` / `groupB` give each row an id shared by identical items
//    (null = every row is its own).
//  - zero-shot accuracy: each a is given the class whose one caption embedding is nearest.
import { tf } from '../backend';
import { normalizeRows } from '../tensor-utils';

export interface CrossModalRecall {
  readonly k: number;
  readonly aToB: number;
  readonly bToA: number;
}

/** Rows of `x` → the columns of `y` ranked by cosine, best first (top `k`). */
function topK(x: tf.Tensor2D, y: tf.Tensor2D, k: number): Int32Array {
  return tf.tidy(() => tf.topk(tf.matMul(normalizeRows(x), normalizeRows(y), false, true), Math.min(k, y.shape[0])).indices.dataSync() as Int32Array);
}

function recall(query: tf.Tensor2D, target: tf.Tensor2D, targetGroup: readonly (number | string)[] | null, ks: readonly number[]): number[] {
  const n = query.shape[0];
  const kMax = Math.max(...ks);
  // With groups, identical items share one place in the ranking: rank every target, then count distinct groups.
  const width = targetGroup === null ? Math.min(kMax, target.shape[0]) : target.shape[0];
  const top = topK(query, target, width);
  const group = (j: number) => (targetGroup === null ? j : targetGroup[j]!);
  return ks.map((k) => {
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const seen = new Set<number | string>();
      for (let r = 0; r < width && seen.size < k; r++) {
        const g = group(top[i * width + r]!);
        if (g === group(i)) {
          hits++;
          break;
        }
        seen.add(g);
      }
    }
    return hits / n;
  });
}

export function crossModalRecall(a: tf.Tensor2D, b: tf.Tensor2D, ks: readonly number[], groupA: readonly (number | string)[] | null, groupB: readonly (number | string)[] | null): CrossModalRecall[] {
  if (a.shape[0] !== b.shape[0]) throw new Error(`cross-modal recall: ${a.shape[0]} a's but ${b.shape[0]} b's; give the embeddings of the same pairs.`);
  const ab = recall(a, b, groupB, ks);
  const ba = recall(b, a, groupA, ks);
  return ks.map((k, i) => ({ k, aToB: ab[i]!, bToA: ba[i]! }));
}

/** The share of `a` rows whose nearest class caption embedding (`classes`, one row per class) is their label's. */
export function zeroShotAccuracy(a: tf.Tensor2D, classes: tf.Tensor2D, labels: Int32Array): number {
  const best = topK(a, classes, 1);
  let right = 0;
  labels.forEach((label, i) => (right += best[i] === label ? 1 : 0));
  return right / labels.length;
}
