import { fix, setField } from '../edits';
import { augmentationFacts } from '../ingredients';
import type { RuleFinding, SpecRule } from './rule';

export const imageOpsOnVectors: SpecRule = {
  id: 'image-ops-on-vectors',
  severity: 'error',
  description: 'An image augmentation (crop, flip, blur…) in a view of vector data.',
  check({ spec, document, data }) {
    if (data.kind !== 'vectors' || spec.pairs.positives !== 'augmentation') return [];
    const findings: RuleFinding[] = [];
    for (const view of ['weak', 'strong'] as const) {
      spec.pairs.views[view].forEach((op, index) => {
        if (!augmentationFacts(op.type).imageOnly) return;
        const path = ['pairs', 'views', view, index];
        findings.push({
          path: [...path, 'type'],
          message: `${op.type} works on images, but \`${spec.data.source}\` holds vectors (no pixels to ${op.type === 'flip' ? 'mirror' : 'transform'}). For vectors use featureNoise or featureMask.`,
          fixes: fix('Replace with featureNoise', setField(document, path, { type: 'featureNoise', std: 0.1 })),
        });
      });
    }
    return findings;
  },
};
