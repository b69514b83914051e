import { fix, removeField } from '../edits';
import type { SpecRule } from './rule';

export const labelColumnIgnored: SpecRule = {
  id: 'label-column-ignored',
  severity: 'warning',
  description: '`data.labelColumn` is set for images or a built-in dataset, where labels do not come from columns.',
  check({ spec, document }) {
    if (spec.data.labelColumn === null || spec.data.format === 'csv' || spec.data.format === 'jsonl') return [];
    return [{
      path: ['data', 'labelColumn'],
      onKey: true,
      message: `\`labelColumn\` only applies to csv/jsonl vectors; ${spec.data.format === 'builtin' ? 'the built-in dataset has its own labels' : 'image labels come from class sub-folders'}, so it is ignored. Remove it.`,
      tags: ['unnecessary'],
      fixes: fix('Remove `labelColumn`', removeField(document, ['data', 'labelColumn'])),
    }];
  },
};
