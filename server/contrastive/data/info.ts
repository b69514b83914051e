// What the spec pipeline's semantic rules ask about a data source (size, labelled, kind), answered
// without decoding images: cheap enough to run as the user types.
import { readFileSync } from 'node:fs';
import type { DataSpec } from '../../spec/types';
import { parseCsvVectors } from './csv';
import { DIGITS_COUNT, DIGITS_SOURCE } from './digits';
import { DataError } from './errors';
import { listImageFolder } from './imageFolder';
import { parseJsonlVectors } from './jsonl';
import { checkSourceExists } from './load';
import type { DatasetInfo } from './types';

export type DatasetInfoResult = { readonly ok: true; readonly info: DatasetInfo } | { readonly ok: false; readonly message: string; readonly where: string };

/** Size counts samples after `data.limit`; `labelled` says whether labels exist (not whether training uses them). */
export function datasetInfo(spec: DataSpec, specDir: string): DatasetInfoResult {
  try {
    const limited = (n: number): number => (spec.limit !== null ? Math.min(spec.limit, n) : n);
    if (spec.format === 'builtin') {
      if (spec.source !== DIGITS_SOURCE) throw new DataError('data.source', `unknown built-in data set "${spec.source}"; the built-in one is ${DIGITS_SOURCE}.`);
      return { ok: true, info: { kind: 'images', size: limited(DIGITS_COUNT), labelled: true, classes: 10 } };
    }
    const path = checkSourceExists(spec, specDir);
    if (spec.format === 'images') {
      const { files, labelled } = listImageFolder(path);
      const classes = labelled ? new Set(files.map((f) => f.className)).size : null;
      return { ok: true, info: { kind: 'images', size: limited(files.length), labelled, classes } };
    }
    const text = readFileSync(path, 'utf8');
    const raw = spec.format === 'csv' ? parseCsvVectors(text, path, spec.labelColumn) : parseJsonlVectors(text, path, spec.labelColumn);
    return { ok: true, info: { kind: 'vectors', size: limited(raw.count), labelled: raw.labels !== null, classes: raw.classNames?.length ?? null } };
  } catch (e) {
    if (e instanceof DataError) return { ok: false, message: e.message, where: e.where };
    throw e;
  }
}
