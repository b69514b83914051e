// Triplet-margin miner, as pytorch-metric-learning's TripletMarginMiner. Over all triplets
// (a, p, n), tm = D_an − D_ap (S_ap − S_an for a similarity), the room left before the margin
// is violated. all: tm ≤ margin; hard: tm ≤ 0; semi-hard: 0 < tm ≤ margin; easy: tm > margin.
import type { Distance } from '../distances/types';
import { batchView, isNegative, isPositive } from './batch-view';
import type { MinedTriplets, Miner, MinerInput } from './types';

export type TripletSelection = 'all' | 'hard' | 'semiHard' | 'easy';

export class TripletMarginMiner implements Miner {
  constructor(
    private readonly distance: Distance,
    readonly type: TripletSelection,
    readonly margin: number,
  ) {}

  private selects(tm: number): boolean {
    switch (this.type) {
      case 'all':
        return tm <= this.margin;
      case 'hard':
        return tm <= 0;
      case 'semiHard':
        return tm > 0 && tm <= this.margin;
      case 'easy':
        return tm > this.margin;
    }
  }

  mine(input: MinerInput): MinedTriplets {
    const view = batchView(this.distance, input, `${this.type} triplet`);
    const { matrix, rows, cols } = view;
    const sign = this.distance.isInverted ? -1 : 1;
    const a: number[] = [];
    const p: number[] = [];
    const n: number[] = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        if (!isPositive(view, i, j)) continue;
        const ap = matrix[i * cols + j] ?? 0;
        for (let k = 0; k < cols; k++) {
          if (!isNegative(view, i, k)) continue;
          const tm = sign * ((matrix[i * cols + k] ?? 0) - ap);
          if (this.selects(tm)) {
            a.push(i);
            p.push(j);
            n.push(k);
          }
        }
      }
    }
    return { kind: 'triplets', anchors: Int32Array.from(a), positives: Int32Array.from(p), negatives: Int32Array.from(n) };
  }
}

