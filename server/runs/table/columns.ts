// The runs table's columns and rows. A row is one run: its own fields (star, name, status, tags,
// notes, start), every flattened spec path, and its results. Run and result columns have fixed
// keys; parameter columns are keyed by their spec path, so `loss.temperature` is a column name in
// filters, sorts and --columns alike.
import type { Annotations } from '../annotations';
import type { RunSummary } from '../reader';
import type { RunResults } from './results';
import type { CellValue } from './values';

export type ColumnKind = 'run' | 'param' | 'result';
/** How a value reads: a fraction as a percentage, seconds as a duration, an ISO time as a date. */
export type ColumnFormat = 'text' | 'number' | 'percent' | 'seconds' | 'date' | 'star';

export interface ColumnDef {
  readonly key: string;
  readonly title: string;
  readonly kind: ColumnKind;
  readonly format: ColumnFormat;
  /** Shown when no columns are chosen (with the parameters that differ). */
  readonly brief: boolean;
  /** For results: larger is better (true), smaller is better (false), or neither (undefined). */
  readonly higherIsBetter?: boolean;
  readonly description: string;
}

const run = (key: string, title: string, format: ColumnFormat, brief: boolean, description: string): ColumnDef => ({ key, title, kind: 'run', format, brief, description });
const result = (key: string, title: string, format: ColumnFormat, brief: boolean, higherIsBetter: boolean | undefined, description: string): ColumnDef => ({ key, title, kind: 'result', format, brief, higherIsBetter, description });

/** The run's own columns, in display order. */
export const RUN_COLUMNS: readonly ColumnDef[] = [
  run('star', '★', 'star', true, 'starred by you (annotations.json)'),
  run('name', 'run', 'text', true, "run.json's name (else its id)"),
  run('id', 'id', 'text', false, 'the run folder name'),
  run('status', 'status', 'text', true, 'queued, running, completed, failed, stopped, or interrupted when its trainer is gone'),
  run('sweep', 'sweep', 'text', true, 'the sweep the run is a child of (contrastive-lab sweep): sort or filter by it to see a sweep together'),
  run('origin', 'origin', 'text', false, 'the run this one repeats (Re-run, Edit and Run in the Experiments table) and the values changed from it'),
  run('started', 'started', 'date', true, 'when training started (run.json startedAt); tells apart runs of the same name'),
  run('tags', 'tags', 'text', true, 'your tags (annotations.json)'),
  run('notes', 'notes', 'text', false, 'your notes (annotations.json)'),
];

/** The result columns before recall@k, then recall@k per k, then these. */
const RESULTS_BEFORE_RECALL: readonly ColumnDef[] = [
  result('knn', 'kNN', 'percent', true, true, "the last evaluation's weighted-kNN accuracy"),
  result('knnBest', 'best kNN', 'percent', true, true, 'the best weighted-kNN accuracy of any evaluation'),
  result('probe', 'probe', 'percent', true, true, "the last evaluation's linear-probe accuracy"),
  result('probeBest', 'best probe', 'percent', false, true, 'the best linear-probe accuracy of any evaluation'),
  result('classifier', 'classifier', 'percent', true, true, "the last evaluation's held-out accuracy of the classifier head (loss crossEntropy: fine-tuned or from scratch)"),
  result('zeroShot', 'zero-shot', 'percent', true, true, "the last evaluation's zero-shot accuracy of a two-tower run (one caption per class, on the held-out pairs)"),
  result('p@1', 'P@1', 'percent', false, true, "the last evaluation's precision@1"),
];
const RESULTS_AFTER_RECALL: readonly ColumnDef[] = [
  result('mapAtR', 'MAP@R', 'percent', false, true, "the last evaluation's MAP@R"),
  result('finalLoss', 'loss', 'number', true, false, 'the loss of the last training step'),
  result('collapse', 'collapse std', 'number', false, undefined, 'std of the L2-normalised outputs at the last evaluation: 0 is collapse, about 1/√d is healthy'),
  result('wall', 'wall time', 'seconds', true, false, 'wall time from start to end (or to now while running)'),
  result('samplesPerSec', 'samples/s', 'number', false, true, 'mean training throughput over the steps'),
  result('engine', 'engine', 'text', false, undefined, 'the engine that trained the run: tfjs or pytorch (run.json; older runs are tfjs)'),
  result('backend', 'backend', 'text', false, undefined, 'the tensor backend that trained the run (run.json)'),
];

export function recallColumn(k: string): ColumnDef {
  return result(`r@${k}`, `R@${k}`, 'percent', false, true, `the last evaluation's recall@${k}`);
}

// Few-shot and label-efficiency columns are keyed so the filter language can name them (letters,
// digits, `.` and `@`): fewshot.5way.1shot, linear@1pct, knn@10pct.
const FEW_SHOT_KEY = /^fewshot\.(\d+)way\.(\d+)shot$/;
const LABELS_KEY = /^(linear|knn)@([\d.]+)pct$/;

export function fewShotColumnKey(key: string): string {
  return `fewshot.${key.replace('-', '.')}`;
}

export function labelsColumnKey(key: string): string {
  return key.replace('%', 'pct');
}

/** A few-shot or label-efficiency column, from its key (undefined for any other key). */
export function evaluationColumn(key: string): ColumnDef | undefined {
  const fewShot = FEW_SHOT_KEY.exec(key);
  if (fewShot !== null) return result(key, `${fewShot[1]}w ${fewShot[2]}s`, 'percent', false, true, `the last evaluation's ${fewShot[1]}-way ${fewShot[2]}-shot accuracy (eval.fewShot: mean over the episodes)`);
  const labels = LABELS_KEY.exec(key);
  if (labels !== null) return result(key, `${labels[1] === 'linear' ? 'probe' : 'kNN'} ${labels[2]}%`, 'percent', false, true, `${labels[1] === 'linear' ? 'linear-probe' : 'kNN'} accuracy with ${labels[2]}% of the labels (eval.labelEfficiency, the last evaluation)`);
  return undefined;
}

export function paramColumn(path: string): ColumnDef {
  return { key: path, title: path, kind: 'param', format: 'text', brief: false, description: `spec.json ${path}` };
}

/** A sweep child's sweep: what its group header in the table says of the sweep. */
export interface RowSweep {
  readonly id: string;
  /** The spec the sweep was expanded from (run.json specPath). */
  readonly base: string;
  /** The spec paths the sweep varies (spec.json `sweep.parameters`). */
  readonly parameters: readonly string[];
}

/** One run of the table: where it lives and its cells by column key. */
export interface TableRow {
  /** What identifies the row to its view: the folder name in the editor, the folder path in the CLI. */
  readonly key: string;
  readonly dir: string;
  readonly cells: ReadonlyMap<string, CellValue>;
  /** Present when the run is a child of a sweep. */
  readonly sweep?: RowSweep;
}

/** What a row is made of: the reader's summary, the flattened spec, the results and the annotations. */
export interface RunEntry {
  readonly key: string;
  readonly summary: RunSummary;
  /** spec.json flattened; empty when the run has none yet. */
  readonly params: ReadonlyMap<string, CellValue>;
  readonly results: RunResults;
  readonly annotations: Annotations;
  /** The paths spec.json's `sweep.parameters` names (a sweep child's); empty otherwise. */
  readonly swept?: readonly string[];
}

function setDefined(cells: Map<string, CellValue>, key: string, value: CellValue | undefined): void {
  if (value !== undefined) cells.set(key, value);
}

export function tableRow(entry: RunEntry): TableRow {
  const { summary, results, annotations } = entry;
  const cells = new Map<string, CellValue>();
  cells.set('star', annotations.star);
  cells.set('name', summary.name);
  cells.set('id', summary.id);
  cells.set('status', summary.status);
  setDefined(cells, 'sweep', summary.record.sweep?.id);
  const origin = summary.record.origin;
  if (origin !== undefined) cells.set('origin', [origin.run, ...Object.entries(origin.changes).map(([k, v]) => `${k}=${JSON.stringify(v)}`)].join(' '));
  setDefined(cells, 'started', summary.record.startedAt ?? undefined);
  cells.set('tags', annotations.tags);
  if (annotations.notes !== '') cells.set('notes', annotations.notes);
  for (const [path, value] of entry.params) if (!cells.has(path)) cells.set(path, value);
  // A run.json best kNN from before the metrics file was trimmed (resume) still counts.
  const knnBest = summary.bestKnnAccuracy === null ? results.knnBest : Math.max(summary.bestKnnAccuracy, results.knnBest ?? summary.bestKnnAccuracy);
  setDefined(cells, 'knn', results.knn);
  setDefined(cells, 'knnBest', knnBest);
  setDefined(cells, 'probe', results.probe);
  setDefined(cells, 'probeBest', results.probeBest);
  setDefined(cells, 'classifier', results.classifier);
  setDefined(cells, 'zeroShot', results.zeroShot);
  setDefined(cells, 'p@1', results.precisionAt1);
  for (const [k, v] of Object.entries(results.recallAtK)) cells.set(`r@${k}`, v);
  setDefined(cells, 'mapAtR', results.mapAtR);
  for (const [k, v] of Object.entries(results.fewShot)) cells.set(fewShotColumnKey(k), v);
  for (const [k, v] of Object.entries(results.labelEfficiency)) cells.set(labelsColumnKey(k), v);
  setDefined(cells, 'finalLoss', results.finalLoss);
  setDefined(cells, 'collapse', results.collapseStd);
  setDefined(cells, 'wall', summary.durationSec ?? undefined);
  setDefined(cells, 'samplesPerSec', results.samplesPerSec);
  cells.set('engine', summary.record.engine ?? 'tfjs');
  setDefined(cells, 'backend', summary.record.backend ?? undefined);
  const sweepId = summary.record.sweep?.id;
  const sweep = sweepId === undefined ? undefined : { id: sweepId, base: summary.record.specPath, parameters: entry.swept ?? [] };
  return { key: entry.key, dir: summary.dir, cells, ...(sweep === undefined ? {} : { sweep }) };
}

/**
 * Every column some row has a value for: run columns, then parameters by path, then results
 * (recall@k by k). Run and result keys win over a spec path of the same name (no spec has a
 * top-level `status` or `knn`), so the parameter set never shadows them.
 */
export function allColumns(rows: readonly TableRow[]): ColumnDef[] {
  const present = new Set<string>();
  for (const row of rows) for (const key of row.cells.keys()) present.add(key);
  const fixed = new Set([...RUN_COLUMNS, ...RESULTS_BEFORE_RECALL, ...RESULTS_AFTER_RECALL].map((c) => c.key));
  const recall = [...present].filter((k) => k.startsWith('r@')).map((k) => k.slice(2)).sort((a, b) => Number(a) - Number(b));
  // Few-shot by ways then shots; label efficiency by fraction, the probe before kNN.
  const evaluations = [...present].filter((k) => evaluationColumn(k) !== undefined).sort(byNumbers);
  const params = [...present].filter((k) => !fixed.has(k) && !k.startsWith('r@') && evaluationColumn(k) === undefined).sort();
  return [
    // The sweep column only when some run belongs to a sweep (most tables have none).
    ...RUN_COLUMNS.filter((c) => present.has(c.key) || (c.brief && c.key !== 'sweep')),
    ...params.map(paramColumn),
    ...RESULTS_BEFORE_RECALL.filter((c) => present.has(c.key)),
    ...recall.map(recallColumn),
    ...evaluations.map((k) => evaluationColumn(k) as ColumnDef),
    ...RESULTS_AFTER_RECALL.filter((c) => present.has(c.key)),
  ];
}

/** Few-shot columns before label-efficiency ones; then by the numbers in the key (ways, shots, fraction); the probe before kNN. */
function byNumbers(a: string, b: string): number {
  const group = (k: string) => (k.startsWith('fewshot') ? 0 : 1);
  if (group(a) !== group(b)) return group(a) - group(b);
  const [x, y] = [a, b].map((k) => (k.match(/\d+(\.\d+)?/g) ?? []).map(Number)) as [number[], number[]];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return (a.startsWith('knn') ? 1 : 0) - (b.startsWith('knn') ? 1 : 0);
}
