// The datasetInfo hook the spec pipeline accepts (server/spec/dataset.ts): size, labels and kind
// of a data source, found by the same loaders the trainer uses, without decoding images — cheap
// enough to run as the user types. Unreadable data gives undefined: the pipeline then skips the
// size-dependent rules, and the trainer reports the data error with its path and line.
import { readFileSync } from 'node:fs';
import type { DatasetInfo, DatasetInfoHook } from '../../spec/dataset';
import type { DataSpec } from '../../spec/types';
import { splitCsvLine, parseCsvVectors } from './csv';
import { DIGITS_COUNT, DIGITS_SOURCE } from './digits';
import { DataError } from './errors';
import { listImageFolder } from './imageFolder';
import { parseJsonlVectors } from './jsonl';
import { checkSourceExists } from './load';

export type DatasetInfoResult = { readonly ok: true; readonly info: DatasetInfo } | { readonly ok: false; readonly message: string; readonly where: string };

/** Size counts samples before `data.limit`; `labelled` says whether labels exist (not whether training uses them). */
export function datasetInfo(spec: DataSpec, specDir: string): DatasetInfoResult {
  try {
    if (spec.format === 'builtin') {
      if (spec.source !== DIGITS_SOURCE) throw new DataError('data.source', `unknown built-in data set "${spec.source}"; the built-in one is ${DIGITS_SOURCE}.`);
      return { ok: true, info: { kind: 'images', size: DIGITS_COUNT, labelled: true } };
    }
    const path = checkSourceExists(spec, specDir);
    if (spec.format === 'images') {
      const { files, labelled } = listImageFolder(path);
      return { ok: true, info: { kind: 'images', size: files.length, labelled } };
    }
    const text = readFileSync(path, 'utf8');
    if (spec.format === 'csv') {
      const raw = parseCsvVectors(text, path, spec.labelColumn);
      const header = text.replace(/^\uFEFF/, '').split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
      return { ok: true, info: { kind: 'vectors', size: raw.count, labelled: raw.labels !== null, columns: splitCsvLine(header) ?? [] } };
    }
    const raw = parseJsonlVectors(text, path, spec.labelColumn);
    const first = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '{}';
    return { ok: true, info: { kind: 'vectors', size: raw.count, labelled: raw.labels !== null, columns: Object.keys(JSON.parse(first) as object) } };
  } catch (e) {
    if (e instanceof DataError) return { ok: false, message: e.message, where: e.where };
    throw e;
  }
}

export const datasetInfoHook: DatasetInfoHook = (data, specDir) => {
  const result = datasetInfo(data, specDir);
  return result.ok ? result.info : undefined;
};
