// Which rows an export writes: all of them, or — above a viewer's limit — a stratified, seeded
// sample (every label keeps its share), with the sentence that says so.
import type { SampleIndex } from '../runs/format';
import { stratifiedSample } from '../runs/stratifiedSample';

export interface ExportRows {
  /** Rows of the run's embeddings, ascending. */
  readonly rows: Int32Array;
  /** Why fewer rows than the run has were written, or null when all were. */
  readonly warning: string | null;
}

export function exportRows(samples: SampleIndex, count: number, limit: number, seed: number, viewer: string): ExportRows {
  if (count <= limit) return { rows: Int32Array.from({ length: count }, (_, i) => i), warning: null };
  const groups = Int32Array.from({ length: count }, (_, i) => samples.labels[i] ?? -1);
  const rows = stratifiedSample(groups, limit, seed);
  return {
    rows,
    warning: `${viewer} loads at most ${limit.toLocaleString('en-US')} points: wrote a stratified sample of ${limit.toLocaleString('en-US')} of the run's ${count.toLocaleString('en-US')} (every label keeps its share; seed ${seed}, change it with --seed). metadata.tsv's "index" column is each point's row in the run's embeddings.`,
  };
}
