import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const queueSmallerThanBatch: SpecRule = {
  id: 'queue-smaller-than-batch',
  severity: 'error',
  description: 'The negative queue is smaller than one batch.',
  check({ spec, document, data }) {
    const negatives = spec.pairs.negatives;
    const batch = spec.strategy.batchSize;
    if (negatives.type !== 'queue' || negatives.size >= batch) return [];
    const suggested = data.trainSize !== undefined && data.trainSize >= batch ? Math.min(batch * 4, Math.max(batch, Math.floor(data.trainSize / 2))) : batch * 4;
    return [{
      path: ['pairs', 'negatives', 'size'],
      message: `The queue holds ${negatives.size} keys but each step enqueues a whole batch of ${batch}: the queue would be overwritten within one step and give fewer negatives than the batch itself. Make \`size\` at least the batch size (a few batches or more: MoCo used 65,536).`,
      fixes: fix(`Set the queue size to ${suggested}`, setField(document, ['pairs', 'negatives', 'size'], suggested)),
    }];
  },
};
