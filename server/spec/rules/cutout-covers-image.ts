import { fix, setField } from '../edits';
import type { RuleFinding, SpecRule } from './rule';

export const cutoutCoversImage: SpecRule = {
  id: 'cutout-covers-image',
  severity: 'error',
  description: 'A cutout square at least as large as the image blanks the whole view.',
  check({ spec, document, data }) {
    if (data.kind !== 'images') return [];
    const side = spec.data.imageSize;
    const findings: RuleFinding[] = [];
    for (const view of ['weak', 'strong'] as const) {
      spec.pairs.views[view].forEach((op, index) => {
        if (op.type !== 'cutout' || op.size < side) return;
        const path = ['pairs', 'views', view, index, 'size'];
        const suggested = Math.max(1, Math.round(side / 4));
        findings.push({
          path,
          message: `A ${op.size}-pixel cutout on ${side}×${side} images blanks the entire view, so nothing of the sample is left to match. Use about a quarter of the image side: ${suggested}.`,
          fixes: fix(`Set size to ${suggested}`, setField(document, path, suggested)),
        });
      });
    }
    return findings;
  },
};
