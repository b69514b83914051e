// The timeline's probe set: a fixed, stratified sample of the held-out split (the training split
// when nothing is held out) whose embeddings every evaluation keeps. It depends only on the split,
// never on the run's seed, so every evaluation — and every run on the same data and split — shows
// the same samples; the PyTorch engine receives the same rows from the launcher (exportSplit.ts).
import type { SplitDataset } from '../contrastive/data/types';
import type { TimelineProbe } from '../runs/format';
import { stratifiedSample } from '../runs/stratifiedSample';

/** Probe samples kept per evaluation: enough to see classes form, small enough (2,000 × 128 floats = 1 MB) to keep at every evaluation. */
export const PROBE_SIZE = 2000;
const PROBE_SEED = 0x70726f62;

export interface ProbeRows {
  /** Dataset rows, ascending. */
  readonly rows: Int32Array;
  readonly split: 'train' | 'test';
}

export function probeRows({ dataset, train, test }: SplitDataset): ProbeRows {
  const split = test.length > 0 ? 'test' : 'train';
  const pool = split === 'test' ? test : train;
  const groups = Int32Array.from(pool, (i) => dataset.labels?.[i] ?? -1);
  const picked = stratifiedSample(groups, PROBE_SIZE, PROBE_SEED);
  return { rows: Int32Array.from(picked, (p) => pool[p]!).sort(), split };
}

/** probe.json for these rows. */
export function timelineProbe({ dataset }: SplitDataset, probe: ProbeRows, dim: number, layer: TimelineProbe['layer']): TimelineProbe {
  const rows = Array.from(probe.rows);
  return {
    formatVersion: 1,
    count: rows.length,
    dim,
    layer,
    split: probe.split,
    rows,
    ids: rows.map((r) => dataset.ids[r]!),
    labels: rows.map((r) => (dataset.labels !== null && dataset.labels[r]! >= 0 ? dataset.labels[r]! : null)),
    classNames: dataset.classNames,
  };
}
