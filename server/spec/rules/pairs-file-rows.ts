// Reads the pairs file (or the two folders) that data.pairs names, as the trainer will, and reports
// the first bad row where the spec names the source: `path:line`, the side and the column, and how to
// fix it — so a bad row is found while editing, not after a run has started. A clean read is kept per
// file (path, size, modification time) and side description, so typing elsewhere reads nothing again.
import { readFileSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { DataError } from '../../contrastive/data/errors';
import { readPairFolders } from '../../contrastive/data/pairs/folders';
import { parsePairFile } from '../../contrastive/data/pairs/rows';
import { sideSpecOf } from '../towerFacts';
import type { FieldPath } from '../problems';
import type { SpecRule } from './rule';

/** Larger files are read by the trainer only (the editor would stall on them). */
const MAX_BYTES = 64 * 1024 * 1024;
const seen = new Map<string, string | null>();

function stamp(path: string): string {
  const s = statSync(path, { throwIfNoEntry: false });
  return s === undefined ? 'missing' : `${s.size}:${s.mtimeMs}`;
}

/** The first bad row's message, or null. */
function problemOf(key: string, read: () => void): string | null {
  const known = seen.get(key);
  if (known !== undefined) return known;
  let problem: string | null = null;
  try {
    read();
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    problem = e.message;
  }
  // Only a clean read is kept: a problem is read again, so fixing an image (not the file) clears it.
  if (problem === null) seen.set(key, null);
  return problem;
}

export const pairsFileRows: SpecRule = {
  id: 'pairs-file-rows',
  severity: 'error',
  description: 'A row of the pairs file (or a file of the two pair folders) that cannot be read: a missing image, an empty caption, a non-number, a column the header lacks, a stem on one side only.',
  check({ spec, specDir, fileExists }) {
    const pairs = spec.data.pairs;
    if (pairs === null) return [];
    let path: FieldPath;
    let problem: string | null;
    if (pairs.folders !== null) {
      const [a, b] = [resolve(specDir, pairs.folders.a), resolve(specDir, pairs.folders.b)];
      if (!fileExists(a) || !fileExists(b)) return []; // pairs-source-missing says it
      path = ['data', 'pairs', 'folders'];
      problem = problemOf(`folders\0${a}\0${stamp(a)}\0${b}\0${stamp(b)}`, () => readPairFolders(a, b));
    } else {
      const file = resolve(specDir, pairs.source);
      const a = sideSpecOf(pairs.a);
      const b = sideSpecOf(pairs.b);
      const kind = extname(file).toLowerCase();
      if (pairs.source.startsWith('builtin:') || a === null || b === null || (kind !== '.csv' && kind !== '.jsonl') || !fileExists(file)) return [];
      const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
      if (size > MAX_BYTES) return [];
      path = ['data', 'pairs', 'source'];
      const options = { a, b, labelColumn: pairs.labelColumn };
      problem = problemOf(`file\0${file}\0${stamp(file)}\0${JSON.stringify(options)}`, () => parsePairFile(readFileSync(file, 'utf8'), file, options));
    }
    return problem === null ? [] : [{ path, message: `${problem} Training would stop at this row.` }];
  },
};
