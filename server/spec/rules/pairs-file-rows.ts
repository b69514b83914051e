import { probePairs } from '../pairsProbe';
import type { SpecRule } from './rule';

export const pairsFileRows: SpecRule = {
  id: 'pairs-file-rows',
  severity: 'error',
  description: 'A row of the pairs file (or a file of the two pair folders) that cannot be read: a missing image, an empty caption, a non-number, a column the header lacks, a stem on one side only.',
  check({ spec, specDir, fileExists }) {
    // Read as the trainer will: the first bad row is found while editing, not after a run has started.
    const probe = probePairs(spec, specDir, fileExists);
    return probe === null || probe.ok ? [] : [{ path: probe.path, message: `${probe.problem} Training would stop at this row.` }];
  },
};
