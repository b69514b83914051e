// What the pairs named by data.pairs hold, read as the trainer will read them, for the rules: the first
// bad row (path:line, side, column) or the number of pairs. A clean read is kept per file (path, size,
// modification time) or folder pair and side description, so typing elsewhere reads nothing again; a
// problem is read again, so fixing an image (not the file) clears it.
import { readFileSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { DataError } from '../contrastive/data/errors';
import { readPairFolders } from '../contrastive/data/pairs/folders';
import { parsePairFile } from '../contrastive/data/pairs/rows';
import { PAIRS_BUILTIN } from '../contrastive/towers/towers.decl';
import type { FieldPath } from './problems';
import { sideSpecOf } from './towerFacts';
import type { ResolvedSpec } from './types';

/** Larger files are read by the trainer only (the editor would stall on them). */
const MAX_BYTES = 64 * 1024 * 1024;
/** builtin:digits-captions: every built-in digit. */
const BUILTIN_PAIRS = 10000;

export type PairsProbe =
  | { readonly ok: true; readonly count: number }
  | { readonly ok: false; readonly path: FieldPath; readonly problem: string };

const clean = new Map<string, number>();

function stamp(path: string): string {
  const s = statSync(path, { throwIfNoEntry: false });
  return s === undefined ? 'missing' : `${s.size}:${s.mtimeMs}`;
}

function read(key: string, path: FieldPath, count: () => number): PairsProbe {
  const known = clean.get(key);
  if (known !== undefined) return { ok: true, count: known };
  try {
    const n = count();
    clean.set(key, n);
    return { ok: true, count: n };
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    return { ok: false, path, problem: e.message };
  }
}

/** The pairs data.pairs names, or null when they cannot be read here (not set, a missing file, sides not named, too large). */
export function probePairs(spec: ResolvedSpec, specDir: string, fileExists: (path: string) => boolean): PairsProbe | null {
  const pairs = spec.data.pairs;
  if (pairs === null) return null;
  if (pairs.folders !== null) {
    const [a, b] = [resolve(specDir, pairs.folders.a), resolve(specDir, pairs.folders.b)];
    if (!fileExists(a) || !fileExists(b)) return null;
    return read(`folders\0${a}\0${stamp(a)}\0${b}\0${stamp(b)}`, ['data', 'pairs', 'folders'], () => readPairFolders(a, b).count);
  }
  if (pairs.source === PAIRS_BUILTIN) return { ok: true, count: BUILTIN_PAIRS };
  const file = resolve(specDir, pairs.source);
  const a = sideSpecOf(pairs.a);
  const b = sideSpecOf(pairs.b);
  const kind = extname(file).toLowerCase();
  if (pairs.source.startsWith('builtin:') || a === null || b === null || (kind !== '.csv' && kind !== '.jsonl') || !fileExists(file)) return null;
  if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > MAX_BYTES) return null;
  const options = { a, b, labelColumn: pairs.labelColumn };
  return read(`file\0${file}\0${stamp(file)}\0${JSON.stringify(options)}`, ['data', 'pairs', 'source'], () => parsePairFile(readFileSync(file, 'utf8'), file, options).count);
}
