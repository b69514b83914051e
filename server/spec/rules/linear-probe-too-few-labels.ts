import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const linearProbeTooFewLabels: SpecRule = {
  id: 'linear-probe-too-few-labels',
  severity: 'warning',
  description: 'The linear probe would see fewer labelled samples than there are classes.',
  check({ spec, document, data }) {
    const probe = spec.eval.linearProbe;
    if (probe === null || data.trainSize === undefined || data.classes === undefined) return [];
    const labelled = Math.floor(data.trainSize * probe.labelFraction);
    if (labelled >= data.classes) return [];
    const suggested = Math.min(1, Math.ceil((data.classes * 10 * 100) / data.trainSize) / 100);
    return [{
      path: ['eval', 'linearProbe', 'labelFraction'],
      message: `A label fraction of ${probe.labelFraction} keeps ${labelled} of ${data.trainSize} training samples, fewer than the ${data.classes} classes: some classes have no labelled example and the probe accuracy is meaningless. Use at least about ${suggested} (≈10 labels per class).`,
      fixes: fix(`Set labelFraction to ${suggested}`, setField(document, ['eval', 'linearProbe', 'labelFraction'], suggested)),
    }];
  },
};
