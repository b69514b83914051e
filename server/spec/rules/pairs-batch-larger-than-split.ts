import { trainSplitSize, usedSize } from '../dataset';
import { fix, setField } from '../edits';
import { probePairs } from '../pairsProbe';
import { powerOfTwoBelow } from './sizes';
import type { SpecRule } from './rule';

export const pairsBatchLargerThanSplit: SpecRule = {
  id: 'pairs-batch-larger-than-split',
  severity: 'error',
  description: 'With `data.pairs`, `strategy.batchSize` exceeds the training pairs (after `data.limit` and the split): not one batch can be drawn.',
  check({ spec, specDir, fileExists, document }) {
    const probe = probePairs(spec, specDir, fileExists);
    if (probe === null || !probe.ok) return [];
    const train = trainSplitSize(usedSize(probe.count, spec.data.limit), spec.data.split.testFraction);
    const batch = spec.strategy.batchSize;
    if (batch <= train) return [];
    const path = document.has(['strategy', 'batchSize']) ? ['strategy', 'batchSize'] : ['strategy'];
    const counted = `${probe.count} pairs${spec.data.limit !== null ? `, data.limit ${spec.data.limit}` : ''}, ${Math.round(spec.data.split.testFraction * 100)} % held out`;
    // A batch holds at least two pairs (each contrasted with the other).
    if (train < 2) return [{ path, message: `Only ${train} training pair${train === 1 ? '' : 's'} (${counted}): a batch needs at least 2. Add pairs, raise data.limit or lower data.split.testFraction.` }];
    const fitting = Math.min(train, powerOfTwoBelow(train));
    return [{
      path,
      message: `strategy.batchSize ${batch} is larger than the ${train} training pairs (${counted}): not one batch can be drawn. Use at most ${train}, e.g. ${fitting}.`,
      fixes: fix(`Set strategy.batchSize: ${fitting}`, setField(document, ['strategy', 'batchSize'], fitting)),
    }];
  },
};
