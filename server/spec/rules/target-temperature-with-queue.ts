import { fix, removeField } from '../edits';
import type { SpecRule } from './rule';

// The MoCo method (server/trainer/methods/moco.ts) contrasts queries with queued keys only; it has
// no target-temperature term, so the setting would be silently ignored.
export const targetTemperatureWithQueue: SpecRule = {
  id: 'target-temperature-with-queue',
  severity: 'warning',
  description: 'A target temperature with a negatives queue (MoCo): the MoCo method does not apply it.',
  check({ spec, document }) {
    if (spec.pairs.negatives.type !== 'queue' || spec.strategy.targetTemperature === null) return [];
    return [{
      path: ['strategy', 'targetTemperature'],
      onKey: true,
      message: '`strategy.targetTemperature` has no effect with `pairs.negatives.type: queue`: the MoCo method contrasts queries with the queued keys and adds no teacher/student cross-entropy term. Remove `strategy.targetTemperature`, or use batch negatives (`pairs.negatives.type: batch`) to train with it.',
      tags: ['unnecessary'],
      fixes: fix('Remove `strategy.targetTemperature`', removeField(document, ['strategy', 'targetTemperature'])),
    }];
  },
};
