import { BUILTIN_PREFIX } from '../dataset';
import { fix, removeField } from '../edits';
import type { SpecRule } from './rule';

export const formatMismatch: SpecRule = {
  id: 'format-mismatch',
  severity: 'error',
  description: '`data.format: builtin` with a path, or a `builtin:` source read as a file format.',
  check({ spec, document }) {
    if (!document.has(['data', 'format'])) return [];
    const isBuiltinSource = spec.data.source.startsWith(BUILTIN_PREFIX);
    if ((spec.data.format === 'builtin') === isBuiltinSource) return [];
    const message = isBuiltinSource
      ? `\`${spec.data.source}\` is a built-in dataset, but \`format\` says ${spec.data.format}: built-in data is not read from a file. Remove \`format\` (it is derived from the source).`
      : `\`format: builtin\` only applies to \`builtin:\` sources, but the source is the path \`${spec.data.source}\`. Remove \`format\` (it is derived from the file name) or name a built-in dataset.`;
    return [{ path: ['data', 'format'], message, fixes: fix('Remove `format`', removeField(document, ['data', 'format'])) }];
  },
};
