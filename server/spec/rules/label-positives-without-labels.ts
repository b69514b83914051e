import { fix, setField } from '../edits';
import type { SpecFix } from '../problems';
import { firstWritten } from '../report';
import type { SpecRule } from './rule';

export const labelPositivesWithoutLabels: SpecRule = {
  id: 'label-positives-without-labels',
  severity: 'error',
  description: '`pairs.positives: labels` on data whose labels are unavailable (useLabels false, no label column, a flat image folder).',
  check({ spec, document, data }) {
    if (spec.pairs.positives !== 'labels') return [];
    const augmentation = fix('Use augmentation positives (self-supervised)', setField(document, ['pairs', 'positives'], 'augmentation'));
    if (!spec.data.useLabels) {
      const fixes: SpecFix[] = data.labelled === false ? augmentation : [...fix('Set `data.useLabels: true`', setField(document, ['data', 'useLabels'], true)), ...augmentation];
      return [{ path: firstWritten(document, ['pairs', 'positives'], ['data', 'useLabels']), message: 'Positives come from labels, but `data.useLabels` is false, so training sees no labels. Either allow labels (`data.useLabels: true`) or form positives from two augmented views (`positives: augmentation`).', fixes }];
    }
    if (data.labelled !== false) return [];
    const why = spec.data.format === 'images' ? `the image folder \`${spec.data.source}\` has no class sub-folders` : spec.data.labelColumn === null ? `\`data.labelColumn\` is not set for \`${spec.data.source}\`` : `\`${spec.data.source}\` has no column \`${spec.data.labelColumn}\``;
    return [{ path: firstWritten(document, ['pairs', 'positives'], ['data', 'labelColumn'], ['data', 'source']), message: `Positives come from labels, but ${why}, so no two samples are known to match. Use \`positives: augmentation\` or give the data labels.`, fixes: augmentation }];
  },
};
