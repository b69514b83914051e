// Paired data: from a CSV / JSON Lines file (rows.ts), two folders matched by stem (folders.ts), or
// builtin:digits-captions; image sides decoded by decode.ts.
import { readFileSync } from 'node:fs';
import { DataError } from '../errors';
import { decodePairs } from './decode';
import { DIGITS_CAPTIONS_SOURCE, loadDigitsCaptions } from './digitsCaptions';
import { readPairFolders } from './folders';
import { parsePairFile, type PairFileOptions } from './rows';
import type { PairedData } from './types';

export type { PairedData, PairedRows, PairSide, PairSideSpec, LoadedSide } from './types';
export { CAPTION_TEMPLATES, DIGITS_CAPTIONS_SOURCE, type DigitsCaptions } from './digitsCaptions';

export type PairsSource =
  | { readonly builtin: typeof DIGITS_CAPTIONS_SOURCE; readonly seed: number }
  | ({ readonly file: string } & PairFileOptions)
  | { readonly folders: { readonly a: string; readonly b: string } };

export interface ImageOptions {
  readonly size: number;
  readonly channels: 1 | 3;
}

/** Every pair of `source`, images decoded; the built-in set keeps its 28×28 grayscale digits. */
export async function loadPairs(source: PairsSource, images: ImageOptions): Promise<PairedData> {
  if ('builtin' in source) return loadDigitsCaptions(source.seed);
  if ('folders' in source) return decodePairs(readPairFolders(source.folders.a, source.folders.b), images.size, images.channels);
  let text: string;
  try {
    text = readFileSync(source.file, 'utf8');
  } catch (e) {
    throw new DataError(source.file, `cannot read the pairs file (${(e as Error).message.split('\n')[0]}); give an existing .csv or .jsonl file.`);
  }
  return decodePairs(parsePairFile(text, source.file, source), images.size, images.channels);
}
