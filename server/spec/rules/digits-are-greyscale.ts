import { PAIRS_BUILTIN } from '../../contrastive/towers/towers.decl';
import { fix, setField } from '../edits';
import type { SpecRule } from './rule';

export const digitsAreGreyscale: SpecRule = {
  id: 'digits-are-greyscale',
  severity: 'info',
  description: '`channels: 3` with the built-in digits, which are greyscale.',
  check({ spec, document }) {
    // With data.pairs the digits are read only through builtin:digits-captions (data.source is unused).
    const pairs = spec.data.pairs;
    const digits = pairs === null ? spec.data.format === 'builtin' : pairs.folders === null && pairs.source === PAIRS_BUILTIN;
    if (!digits || spec.data.channels !== 3) return [];
    return [{
      path: ['data', 'channels'],
      message: 'The built-in digits are greyscale: three channels would be three copies of the same pixels, tripling the input size and training time for nothing. Use `channels: 1`.',
      fixes: fix('Set `channels: 1`', setField(document, ['data', 'channels'], 1)),
    }];
  },
};
