import { fix, setField } from '../edits';
import { closest } from '../suggest';
import type { SpecRule } from './rule';

export const labelColumnMissing: SpecRule = {
  id: 'label-column-missing',
  severity: 'error',
  description: '`data.labelColumn` names a column the csv/jsonl file does not have.',
  check({ spec, document, data }) {
    const column = spec.data.labelColumn;
    if (column === null || data.columns === undefined || data.columns.includes(column)) return [];
    const suggestion = closest(column, data.columns);
    return [{
      path: ['data', 'labelColumn'],
      message: `\`${spec.data.source}\` has no column \`${column}\`.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''} Its columns are: ${data.columns.slice(0, 20).join(', ')}${data.columns.length > 20 ? ', …' : ''}.`,
      fixes: suggestion ? fix(`Use \`${suggestion}\``, setField(document, ['data', 'labelColumn'], suggestion)) : [],
    }];
  },
};
