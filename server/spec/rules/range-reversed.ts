import { fix, setField } from '../edits';
import type { AugmentationOp } from '../types';
import type { RuleFinding, SpecRule } from './rule';

/** The `[low, high]` options of an op. */
function ranges(op: AugmentationOp): [string, readonly [number, number]][] {
  switch (op.type) {
    case 'randomResizedCrop':
      return [['scale', op.scale], ['ratio', op.ratio]];
    case 'affine':
      return [['scale', op.scale]];
    case 'contrast':
      return [['range', op.range]];
    case 'gaussianBlur':
      return [['sigma', op.sigma]];
    default:
      return [];
  }
}

export const rangeReversed: SpecRule = {
  id: 'range-reversed',
  severity: 'error',
  description: 'An augmentation `[low, high]` range whose low end exceeds its high end.',
  check({ spec, document }) {
    const findings: RuleFinding[] = [];
    for (const view of ['weak', 'strong'] as const) {
      spec.pairs.views[view].forEach((op, index) => {
        for (const [key, [low, high]] of ranges(op)) {
          if (low <= high) continue;
          const path = ['pairs', 'views', view, index, key];
          findings.push({
            path,
            message: `\`${key}\` of ${op.type} is [${low}, ${high}]: the low end is above the high end, so no value can be drawn. Swap them: [${high}, ${low}].`,
            fixes: fix('Swap the bounds', setField(document, path, [high, low])),
          });
        }
      });
    }
    return findings;
  },
};
