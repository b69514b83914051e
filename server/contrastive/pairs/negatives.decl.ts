// Where negatives come from: the batch itself, a memory queue (memoryQueue.ts), or nowhere.
import { BOTH_ENGINES, int, negatives } from '../declare';

export const batchNegatives = negatives('batch', 'In-batch negatives: every other sample in the batch (of a different class, when labels are used) is a negative. Simple and exact; the number of negatives grows with the batch size, which is why SimCLR wants big batches.', {}, { engines: BOTH_ENGINES });
export const queueNegatives = negatives('queue', 'A memory queue of keys from past batches (MoCo, He et al. 2020), giving many negatives at a small batch size. Keys must come from a slowly moving encoder: pair it with `strategy.ema`, or the queue holds stale, inconsistent keys.', {
  size: int('Number of past keys kept. MoCo found ~4,000–65,536 best on ImageNet; it must hold at least one batch and should be much smaller than the training split, or samples meet themselves as negatives.', 4096, { minimum: 1, maximum: 1048576 }, [4096, 1024, 65536]),
}, { engines: BOTH_ENGINES });
export const noNegatives = negatives('none', 'No negatives: only positives are compared. Right for VICReg, Barlow Twins and BYOL/SimSiam, which avoid collapse by other means; wrong for every loss that contrasts pairs.', {}, { engines: BOTH_ENGINES });
