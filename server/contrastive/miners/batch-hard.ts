// Batch-hard miner (Hermans et al. 2017): for every anchor with at least one positive and one
// negative, its hardest positive (farthest; least similar) and hardest negative (nearest; most
// similar) form one triplet.
import type { Distance } from '../distances/types';
import { batchView, isNegative, isPositive } from './batch-view';
import type { MinedTriplets, Miner, MinerInput } from './types';

export class BatchHardMiner implements Miner {
  readonly type = 'batchHard';

  constructor(private readonly distance: Distance) {}

  mine(input: MinerInput): MinedTriplets {
    const view = batchView(this.distance, input, 'batchHard');
    const { matrix, rows, cols } = view;
    // Compare in "distance" orientation: larger = farther.
    const far = (v: number) => (this.distance.isInverted ? -v : v);
    const a: number[] = [];
    const p: number[] = [];
    const n: number[] = [];
    for (let i = 0; i < rows; i++) {
      let hardestPos = -1;
      let hardestNeg = -1;
      for (let j = 0; j < cols; j++) {
        const d = far(matrix[i * cols + j] ?? 0);
        if (isPositive(view, i, j) && (hardestPos < 0 || d > far(matrix[i * cols + hardestPos] ?? 0))) hardestPos = j;
        if (isNegative(view, i, j) && (hardestNeg < 0 || d < far(matrix[i * cols + hardestNeg] ?? 0))) hardestNeg = j;
      }
      if (hardestPos >= 0 && hardestNeg >= 0) {
        a.push(i);
        p.push(hardestPos);
        n.push(hardestNeg);
      }
    }
    return { kind: 'triplets', anchors: Int32Array.from(a), positives: Int32Array.from(p), negatives: Int32Array.from(n) };
  }
}
