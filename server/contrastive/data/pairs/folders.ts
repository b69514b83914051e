// Pairs from two parallel folders, matched by file stem: a/0001.png with b/0001.txt. A folder holds
// images or `.txt` texts (one text per file); hidden files are skipped. A stem on one side only, two
// files with one stem, or a file of neither kind is an error naming the file and the side.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { DataError } from '../errors';
import { IMAGE_EXTENSIONS } from '../imageFiles';
import type { PairedRows, PairSide, PairSideName } from './types';

interface SideFiles {
  readonly kind: 'image' | 'text';
  /** stem → full path */
  readonly byStem: ReadonlyMap<string, string>;
}

function listSide(folder: string, side: PairSideName): SideFiles {
  let names: string[];
  try {
    names = readdirSync(folder, { withFileTypes: true }).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort();
  } catch (e) {
    throw new DataError(folder, `side ${side}: cannot read this folder (${(e as Error).message.split('\n')[0]}); give an existing folder of images or .txt files.`);
  }
  if (names.length === 0) throw new DataError(folder, `side ${side}: the folder has no files; put one image or .txt file per pair in it, named like its partner in the other folder.`);
  const kindOf = (name: string): 'image' | 'text' | null => (IMAGE_EXTENSIONS.includes(extname(name).toLowerCase()) ? 'image' : extname(name).toLowerCase() === '.txt' ? 'text' : null);
  const kind = kindOf(names[0]!);
  const byStem = new Map<string, string>();
  for (const name of names) {
    const path = join(folder, name);
    const own = kindOf(name);
    if (own === null) throw new DataError(path, `side ${side}: neither an image (${IMAGE_EXTENSIONS.join(', ')}) nor a .txt text; remove it from the folder.`);
    if (own !== kind) throw new DataError(path, `side ${side}: the folder mixes images and .txt texts (${names[0]} is ${kind === 'image' ? 'an image' : 'a text'}); keep one kind per side.`);
    const stem = basename(name, extname(name));
    const other = byStem.get(stem);
    if (other !== undefined) throw new DataError(path, `side ${side}: ${basename(other)} has the same stem "${stem}"; the stem pairs the files, so keep one.`);
    byStem.set(stem, path);
  }
  return { kind: kind!, byStem };
}

function readText(path: string, side: PairSideName): string {
  const text = readFileSync(path, 'utf8').trim();
  if (text === '') throw new DataError(path, `side ${side}: the text is empty; write the caption in the file or remove the pair.`);
  return text;
}

/** The pairs of folders a and b: stems sorted, each stem present on both sides. */
export function readPairFolders(folderA: string, folderB: string): PairedRows {
  const a = listSide(folderA, 'a');
  const b = listSide(folderB, 'b');
  for (const [side, mine, other, otherFolder] of [['b', a, b, folderB], ['a', b, a, folderA]] as const) {
    for (const [stem, path] of mine.byStem) {
      if (!other.byStem.has(stem)) throw new DataError(path, `side ${side}: ${otherFolder} has no file with the stem "${stem}" to pair with it; add one or remove this file.`);
    }
  }
  const stems = [...a.byStem.keys()].sort();
  const side = (files: SideFiles, name: PairSideName): PairSide =>
    files.kind === 'image'
      ? { kind: 'image', paths: stems.map((s) => files.byStem.get(s)!), origins: stems.map((s) => ({ where: files.byStem.get(s)!, what: `side ${name}` })) }
      : { kind: 'text', texts: stems.map((s) => readText(files.byStem.get(s)!, name)) };
  return { source: `${folderA} + ${folderB}`, count: stems.length, a: side(a, 'a'), b: side(b, 'b'), ids: stems, labels: null, classNames: null };
}
