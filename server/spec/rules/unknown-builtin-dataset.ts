import { BUILTIN_DATASETS, BUILTIN_PREFIX } from '../dataset';
import { fix, setField } from '../edits';
import { closest } from '../suggest';
import type { SpecRule } from './rule';

export const unknownBuiltinDataset: SpecRule = {
  id: 'unknown-builtin-dataset',
  severity: 'error',
  description: 'A `builtin:` data source that is not bundled.',
  check({ spec, document }) {
    const source = spec.data.source;
    if (!source.startsWith(BUILTIN_PREFIX) || source in BUILTIN_DATASETS) return [];
    const known = Object.keys(BUILTIN_DATASETS);
    const suggestion = closest(source, known) ?? known[0]!;
    return [{
      path: ['data', 'source'],
      message: `There is no built-in dataset \`${source}\`; the built-in datasets are ${known.join(', ')}. For your own data give a path to an image folder or a .csv/.jsonl file.`,
      fixes: fix(`Use ${suggestion}`, setField(document, ['data', 'source'], suggestion)),
    }];
  },
};
