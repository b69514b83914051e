import { BOTH_ENGINES, int, sampler } from '../declare';

export const mPerClassSampler = sampler('mPerClass', 'Draw exactly `m` samples from each of `batchSize / m` classes (PML `MPerClassSampler`). Guarantees positives in every batch — needed for triplet/batch-hard mining with many classes. The batch size must be divisible by `m`.', {
  m: int('Samples per class in a batch.', 4, { minimum: 2, maximum: 1024 }, [4, 2, 8]),
}, { needsLabels: true, engines: BOTH_ENGINES });
