import { BUILTIN_PREFIX, resolveDataPath } from '../dataset';
import type { SpecRule } from './rule';

export const dataSourceMissing: SpecRule = {
  id: 'data-source-missing',
  severity: 'error',
  description: 'A local `data.source` path that does not exist.',
  check({ spec, specDir, fileExists }) {
    const source = spec.data.source;
    if (source.startsWith(BUILTIN_PREFIX)) return [];
    const absolute = resolveDataPath(source, specDir);
    if (fileExists(absolute)) return [];
    return [{
      path: ['data', 'source'],
      message: `No file or folder at \`${source}\` (looked for ${absolute}). Paths are relative to the folder of this spec file; fix the path, or use \`builtin:digits\`.`,
    }];
  },
};
