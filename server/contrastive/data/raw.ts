// A dataset as decoded from its source, before the sample limit, the split and normalisation.
import type { DatasetKind } from './types';

export interface RawDataset {
  readonly kind: DatasetKind;
  readonly source: string;
  readonly sampleShape: readonly number[];
  readonly count: number;
  /** Images: 0..255 per channel value; vectors: the values as read. */
  readonly values: Float32Array;
  readonly labels: Int32Array | null;
  readonly classNames: readonly string[] | null;
  readonly ids: readonly string[];
}

/** Maps label values (strings as read) to class indices, classes sorted so the mapping is stable. */
export function indexLabels(raw: readonly string[]): { labels: Int32Array; classNames: string[] } {
  const unique = [...new Set(raw)];
  const numeric = unique.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  const classNames = numeric ? unique.sort((a, b) => Number(a) - Number(b)) : unique.sort();
  const index = new Map(classNames.map((name, i) => [name, i] as const));
  const labels = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) labels[i] = index.get(raw[i]!)!;
  return { labels, classNames };
}

/** A vector dataset from rows read in order: values row-major, and the raw labels when a label column is used. */
export function vectorDataset(source: string, dim: number, values: readonly number[], ids: readonly string[], rawLabels: readonly string[] | null): RawDataset {
  const labelled = rawLabels !== null ? indexLabels(rawLabels) : null;
  return {
    kind: 'vectors',
    source,
    sampleShape: [dim],
    count: ids.length,
    values: Float32Array.from(values),
    labels: labelled?.labels ?? null,
    classNames: labelled?.classNames ?? null,
    ids,
  };
}
