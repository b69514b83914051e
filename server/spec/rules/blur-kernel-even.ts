import { fix, setField } from '../edits';
import type { RuleFinding, SpecRule } from './rule';

export const blurKernelEven: SpecRule = {
  id: 'blur-kernel-even',
  severity: 'error',
  description: 'A Gaussian blur with an even kernel size (it has no centre pixel).',
  check({ spec, document }) {
    const findings: RuleFinding[] = [];
    for (const view of ['weak', 'strong'] as const) {
      spec.pairs.views[view].forEach((op, index) => {
        if (op.type !== 'gaussianBlur' || op.kernelSize % 2 === 1) return;
        const path = ['pairs', 'views', view, index, 'kernelSize'];
        findings.push({
          path,
          message: `A blur kernel of ${op.kernelSize} pixels has no centre pixel, so the blurred image would shift by half a pixel. Use an odd size: ${op.kernelSize + 1}.`,
          fixes: fix(`Set kernelSize to ${op.kernelSize + 1}`, setField(document, path, op.kernelSize + 1)),
        });
      });
    }
    return findings;
  },
};
