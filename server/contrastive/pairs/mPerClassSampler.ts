// The m-per-class sampler (as pytorch-metric-learning's MPerClassSampler): every batch holds
// batchSize / m classes with m samples each, so each anchor has positives. Classes are visited in
// shuffled rounds (balanced batches) and each class's samples in shuffled order without repeats,
// so an epoch of floor(pool / batchSize) batches draws about as many samples as the pool holds.
// A class with fewer than m samples is sampled with replacement.
import { type Random, derivedRandom } from '../random';
import type { BatchSampler, SamplerSettings } from './batchSampler';

/** Cycles through a list in shuffled passes, reshuffling when a pass ends. */
class ShuffledCycle {
  private order: number[] = [];
  private next = 0;

  constructor(private readonly items: readonly number[], private readonly rng: Random) {}

  /** `count` distinct items (count ≤ items.length), continuing the current pass. */
  take(count: number): number[] {
    const taken: number[] = [];
    while (taken.length < count) {
      if (this.next >= this.order.length) {
        this.order = this.rng.shuffle([...this.items]);
        this.next = 0;
      }
      const item = this.order[this.next++] as number;
      if (!taken.includes(item)) taken.push(item);
    }
    return taken;
  }
}

export function mPerClassSampler(indices: Int32Array, labels: Int32Array, m: number, settings: SamplerSettings): BatchSampler {
  const { batchSize, seed } = settings;
  if (!Number.isInteger(m) || m < 1) throw new Error(`pairs.sampler.m must be a positive integer, got ${m}`);
  if (batchSize % m !== 0) {
    throw new Error(`strategy.batchSize ${batchSize} is not divisible by pairs.sampler.m ${m}; choose a batch size that is a multiple of m (e.g. ${Math.max(m, Math.round(batchSize / m) * m)})`);
  }
  const byClass = new Map<number, number[]>();
  for (const index of indices) {
    const label = labels[index];
    if (label === undefined || label < 0) throw new Error(`sample ${index} has no label; mPerClass needs every training sample labelled`);
    const members = byClass.get(label);
    if (members === undefined) byClass.set(label, [index]);
    else members.push(index);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const classesPerBatch = batchSize / m;
  if (classes.length < classesPerBatch) {
    throw new Error(
      `pairs.sampler: a batch of ${batchSize} with m = ${m} needs ${classesPerBatch} classes, but the training data has ${classes.length}; ` +
        `raise m to at least ${Math.ceil(batchSize / classes.length)} or lower strategy.batchSize to at most ${classes.length * m}`,
    );
  }
  const batchesPerEpoch = Math.max(1, Math.floor(indices.length / batchSize));
  return {
    batchesPerEpoch,
    batches(epoch) {
      const rng = derivedRandom(seed, 'mPerClassSampler', epoch);
      const classCycle = new ShuffledCycle(classes, rng);
      const memberCycles = new Map(classes.map((c) => [c, new ShuffledCycle(byClass.get(c) as number[], rng)]));
      const batches: Int32Array[] = [];
      for (let b = 0; b < batchesPerEpoch; b++) {
        const batch = new Int32Array(batchSize);
        classCycle.take(classesPerBatch).forEach((c, slot) => {
          const members = byClass.get(c) as number[];
          const chosen = members.length >= m ? (memberCycles.get(c) as ShuffledCycle).take(m) : Array.from({ length: m }, () => members[rng.nextInt(members.length)] as number);
          batch.set(chosen, slot * m);
        });
        batches.push(batch);
      }
      return batches;
    },
  };
}
