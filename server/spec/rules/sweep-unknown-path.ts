import { renameKey, fix } from '../edits';
import { closest } from '../suggest';
import { sweepablePaths, sweptSchema } from '../sweep';
import type { RuleFinding, SpecRule } from './rule';

export const sweepUnknownPath: SpecRule = {
  id: 'sweep-unknown-path',
  severity: 'error',
  description: 'A sweep parameter names a path the spec does not have (or the sweep itself).',
  check({ spec, document }) {
    if (spec.sweep === null) return [];
    const findings: RuleFinding[] = [];
    for (const dotted of Object.keys(spec.sweep.parameters)) {
      if (sweptSchema(dotted, document.value) !== undefined) continue;
      const paths = sweepablePaths(document.value);
      const suggestion = closest(dotted, paths);
      const path = ['sweep', 'parameters', dotted];
      findings.push({
        path,
        onKey: true,
        message: `\`${dotted}\` is not a path of this spec, so the sweep cannot set it.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''} Paths are dotted, as the spec nests them (\`loss.temperature\`, \`strategy.optimizer.learningRate\`; list items by index: \`pairs.views.strong.0.probability\`).`,
        ...(suggestion ? { fixes: fix(`Change to \`${suggestion}\``, renameKey(document, path, suggestion)) } : {}),
      });
    }
    return findings;
  },
};
