import { resolve } from 'node:path';
import type { RuleFinding, SpecRule } from './rule';

export const pairsSourceMissing: SpecRule = {
  id: 'pairs-source-missing',
  severity: 'error',
  description: 'The pairs file or one of the two folders that `data.pairs` names does not exist.',
  check({ spec, specDir, fileExists }) {
    const pairs = spec.data.pairs;
    if (pairs === null) return [];
    const named: [readonly (string | number)[], string][] = pairs.folders !== null
      ? [[['data', 'pairs', 'folders', 'a'], pairs.folders.a], [['data', 'pairs', 'folders', 'b'], pairs.folders.b]]
      : pairs.source.startsWith('builtin:') ? [] : [[['data', 'pairs', 'source'], pairs.source]];
    const findings: RuleFinding[] = [];
    for (const [path, given] of named) {
      const absolute = resolve(specDir, given);
      if (!fileExists(absolute)) findings.push({ path: [...path], message: `\`${given}\` does not exist (looked for ${absolute}). Paths in data.pairs are relative to the folder of this spec file.` });
    }
    return findings;
  },
};
