// The random sampler: a fresh seeded shuffle of the pool every epoch, cut into batches.
import { derivedRandom } from '../random';
import type { BatchSampler, SamplerSettings } from './batchSampler';

export function randomSampler(indices: Int32Array, settings: SamplerSettings): BatchSampler {
  const { batchSize, seed, dropLast } = settings;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`strategy.batchSize must be a positive integer, got ${batchSize}`);
  if (indices.length === 0) throw new Error('the sampler has no samples to draw from; the training split is empty');
  if (dropLast && indices.length < batchSize) {
    throw new Error(`strategy.batchSize ${batchSize} is larger than the ${indices.length} training samples, so no full batch exists; lower the batch size`);
  }
  const batchesPerEpoch = dropLast ? Math.floor(indices.length / batchSize) : Math.ceil(indices.length / batchSize);
  return {
    batchesPerEpoch,
    batches(epoch) {
      const order = derivedRandom(seed, 'randomSampler', epoch).shuffle(Array.from(indices));
      return Array.from({ length: batchesPerEpoch }, (_, b) => Int32Array.from(order.slice(b * batchSize, (b + 1) * batchSize)));
    },
  };
}
