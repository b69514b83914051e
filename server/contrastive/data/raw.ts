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
