// Multi-similarity miner (Wang et al. 2019), as pytorch-metric-learning's MultiSimilarityMiner.
// For an anchor with positives P and negatives N (both non-empty), on a similarity S: keep the
// positive pair (i, j) if S_ij − ε < max_N S_ik, the negative pair (i, k) if S_ik + ε > min_P S_ij.
// For a distance the comparisons mirror: D_ij + ε > min_N D_ik, D_ik − ε < max_P D_ij.
import type { Distance } from '../distances/types';
import { batchView, isNegative, isPositive } from './batch-view';
import type { MinedPairs, Miner, MinerInput } from './types';

export class MultiSimilarityMiner implements Miner {
  readonly type = 'multiSimilarity';

  constructor(
    private readonly distance: Distance,
    readonly epsilon: number,
  ) {}

  mine(input: MinerInput): MinedPairs {
    const view = batchView(this.distance, input, 'multiSimilarity');
    const { matrix, rows, cols } = view;
    // "closeness": larger = closer, whatever the distance's orientation.
    const close = (v: number) => (this.distance.isInverted ? v : -v);
    const posA: number[] = [];
    const posP: number[] = [];
    const negA: number[] = [];
    const negN: number[] = [];
    for (let i = 0; i < rows; i++) {
      let closestNeg = Number.NEGATIVE_INFINITY;
      let farthestPos = Number.POSITIVE_INFINITY;
      for (let j = 0; j < cols; j++) {
        const c = close(matrix[i * cols + j] ?? 0);
        if (isPositive(view, i, j)) farthestPos = Math.min(farthestPos, c);
        else if (isNegative(view, i, j)) closestNeg = Math.max(closestNeg, c);
      }
      if (!Number.isFinite(closestNeg) || !Number.isFinite(farthestPos)) continue;
      for (let j = 0; j < cols; j++) {
        const c = close(matrix[i * cols + j] ?? 0);
        if (isPositive(view, i, j) && c - this.epsilon < closestNeg) {
          posA.push(i);
          posP.push(j);
        } else if (isNegative(view, i, j) && c + this.epsilon > farthestPos) {
          negA.push(i);
          negN.push(j);
        }
      }
    }
    return {
      kind: 'pairs',
      posAnchors: Int32Array.from(posA),
      positives: Int32Array.from(posP),
      negAnchors: Int32Array.from(negA),
      negatives: Int32Array.from(negN),
    };
  }
}
