// The dashboard's data: per run, the training and evaluation lines received so far, kept as
// columns for the charts (by step or by epoch), plus best metrics and CSV export. No DOM here.

import { EVAL_METRICS, EvalMetric, EvalPoint, RunDescriptor, TrainPoint, XAxis } from '../protocol';
import { CsvCell, toCsv } from '../shared/csv';
import { Series } from '../shared/series';

/**
 * A chartable evaluation metric: one of EVAL_METRICS, `recall@<k>`, a two-tower cross-modal recall
 * `xrecall/a→b@<k>` / `xrecall/b→a@<k>`, a few-shot figure
 * `fewshot/<N>way-<K>shot`, or a label-efficiency point `labels/linear@<p>%` / `labels/knn@<p>%`.
 */
export type EvalMetricKey = EvalMetric | `recall@${string}` | `xrecall/${'a→b' | 'b→a'}@${string}` | `fewshot/${string}` | `labels/${'linear' | 'knn'}@${string}`;

/** A fraction of the labels as a percentage: 0.01 → "1%" (rounded to 6 digits: 0.07 × 100 is not 7 in binary). */
export function labelPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))}%`;
}

export const METRIC_TITLES: Readonly<Record<EvalMetric, string>> = {
  knnAccuracy: 'kNN accuracy',
  linearProbeAccuracy: 'Linear probe accuracy',
  classifierAccuracy: 'Classifier accuracy (held out)',
  zeroShotAccuracy: 'Zero-shot accuracy (two towers)',
  precisionAt1: 'Precision@1',
  mapAtR: 'MAP@R',
  collapseStd: 'Collapse std (0 = collapsed)',
};

export function metricTitle(key: EvalMetricKey): string {
  if (key.startsWith('recall@')) return `Recall@${key.slice('recall@'.length)}`;
  const cross = /^xrecall\/(a→b|b→a)@(\d+)$/.exec(key);
  if (cross !== null) return `Cross-modal recall@${cross[2]} ${cross[1]}`;
  const fewShot = /^fewshot\/(\d+)way-(\d+)shot$/.exec(key);
  if (fewShot !== null) return `${fewShot[1]}-way ${fewShot[2]}-shot accuracy`;
  const labels = /^labels\/(linear|knn)@(.+)$/.exec(key);
  if (labels !== null) return `${labels[1] === 'linear' ? 'Linear probe' : 'kNN'} with ${labels[2]} of the labels`;
  return METRIC_TITLES[key as EvalMetric];
}

/** The scalar values an evaluation line carries, recall@k expanded per k. */
export function evalValues(point: EvalPoint): Map<EvalMetricKey, number> {
  const values = new Map<EvalMetricKey, number>();
  for (const metric of EVAL_METRICS) {
    const v = point[metric];
    if (typeof v === 'number' && Number.isFinite(v)) values.set(metric, v);
  }
  if (point.recallAtK) {
    for (const [k, v] of Object.entries(point.recallAtK)) if (typeof v === 'number' && Number.isFinite(v)) values.set(`recall@${k}`, v);
  }
  for (const [direction, figures] of [['a→b', point.crossModalRecallAtK?.aToB], ['b→a', point.crossModalRecallAtK?.bToA]] as const) {
    for (const [k, v] of Object.entries(figures ?? {})) if (Number.isFinite(v)) values.set(`xrecall/${direction}@${k}`, v);
  }
  for (const [k, f] of Object.entries(point.fewShot ?? {})) if (Number.isFinite(f.accuracy)) values.set(`fewshot/${k}`, f.accuracy);
  for (const p of point.labelEfficiency ?? []) {
    if (Number.isFinite(p.linearProbe)) values.set(`labels/linear@${labelPercent(p.fraction)}`, p.linearProbe);
    if (Number.isFinite(p.knn)) values.set(`labels/knn@${labelPercent(p.fraction)}`, p.knn);
  }
  return values;
}

/** The label-efficiency curve of the run's latest evaluation that drew one: x = fraction of the labels (ascending), y = accuracy. */
export function labelEfficiencyCurve(run: RunCurves): { linearProbe: Series; knn: Series } | undefined {
  const last = [...run.evals].reverse().find((p) => (p.labelEfficiency?.length ?? 0) > 0);
  if (last === undefined || !last.labelEfficiency) return undefined;
  const linearProbe = new Series();
  const knn = new Series();
  for (const p of [...last.labelEfficiency].sort((a, b) => a.fraction - b.fraction)) {
    if (Number.isFinite(p.linearProbe)) linearProbe.append(p.fraction, p.linearProbe);
    if (Number.isFinite(p.knn)) knn.append(p.fraction, p.knn);
  }
  return { linearProbe, knn };
}

export class RunCurves {
  descriptor: RunDescriptor;
  readonly train: TrainPoint[] = [];
  readonly evals: EvalPoint[] = [];
  private readonly lossByStep = new Series();
  private lossByEpoch = new Series();
  private epochCache = { stepsPerEpoch: 0, length: 0 };
  private readonly evalByStep = new Map<EvalMetricKey, Series>();
  private readonly evalByEpoch = new Map<EvalMetricKey, Series>();

  constructor(descriptor: RunDescriptor) {
    this.descriptor = descriptor;
  }

  reset(): void {
    this.train.length = 0;
    this.evals.length = 0;
    this.lossByStep.clear();
    this.lossByEpoch = new Series();
    this.epochCache = { stepsPerEpoch: 0, length: 0 };
    this.evalByStep.clear();
    this.evalByEpoch.clear();
  }

  /** Appends lines; out-of-order lines (a step not after the last one) are dropped. */
  append(train: readonly TrainPoint[], evals: readonly EvalPoint[]): void {
    for (const point of train) {
      if (this.lossByStep.append(point.step, point.loss)) this.train.push(point);
    }
    for (const point of evals) {
      const last = this.evals[this.evals.length - 1];
      if (last !== undefined && point.step < last.step) continue;
      this.evals.push(point);
      for (const [key, value] of evalValues(point)) {
        seriesFor(this.evalByStep, key).append(point.step, value);
        seriesFor(this.evalByEpoch, key).append(point.epoch, value);
      }
    }
  }

  /** Steps per epoch from run.json, else from the data: the first step of epoch 2 minus that of epoch 1. */
  stepsPerEpoch(): number {
    const known = this.descriptor.stepsPerEpoch;
    if (typeof known === 'number' && known > 0) return known;
    const first = this.train[0];
    if (first === undefined) return 1;
    const next = this.train.find((p) => p.epoch > first.epoch);
    if (next !== undefined) return Math.max(1, (next.step - first.step) / (next.epoch - first.epoch));
    const last = this.train[this.train.length - 1];
    return Math.max(1, last.step - first.step + 1);
  }

  loss(axis: XAxis): Series {
    if (axis === 'step') return this.lossByStep;
    const spe = this.stepsPerEpoch();
    if (spe !== this.epochCache.stepsPerEpoch) {
      this.lossByEpoch = new Series();
      this.epochCache = { stepsPerEpoch: spe, length: 0 };
    }
    // Epoch e (1-based) ends at x = e, where its evaluation is plotted.
    const offset = this.train.length > 0 ? this.train[0].step - 1 - (this.train[0].epoch - 1) * spe : 0;
    for (let i = this.epochCache.length; i < this.train.length; i++) {
      const p = this.train[i];
      this.lossByEpoch.append((p.step - offset) / spe, p.loss);
    }
    this.epochCache.length = this.train.length;
    return this.lossByEpoch;
  }

  evalSeries(axis: XAxis, key: EvalMetricKey): Series | undefined {
    return (axis === 'step' ? this.evalByStep : this.evalByEpoch).get(key);
  }

  evalKeys(): EvalMetricKey[] {
    return [...this.evalByStep.keys()];
  }
}

function seriesFor(map: Map<EvalMetricKey, Series>, key: EvalMetricKey): Series {
  let s = map.get(key);
  if (s === undefined) {
    s = new Series();
    map.set(key, s);
  }
  return s;
}

/** All evaluation metrics any run reported, in display order. */
export function availableEvalMetrics(runs: Iterable<RunCurves>): EvalMetricKey[] {
  const seen = new Set<EvalMetricKey>();
  for (const run of runs) for (const key of run.evalKeys()) seen.add(key);
  const recall = [...seen].filter((k) => k.startsWith('recall@')).sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
  // Few-shot by ways then shots; label-efficiency points by fraction, the linear probe first.
  const numbers = (k: string) => (k.match(/[\d.]+/g) ?? []).map(Number);
  const byNumbers = (a: string, b: string) => {
    const [x, y] = [numbers(a), numbers(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return a.startsWith('labels/linear') ? -1 : b.startsWith('labels/linear') ? 1 : 0;
  };
  const fewShot = [...seen].filter((k) => k.startsWith('fewshot/')).sort(byNumbers);
  const labels = [...seen].filter((k) => k.startsWith('labels/')).sort(byNumbers);
  // Cross-modal recall: a→b then b→a, each by k.
  const cross = [...seen].filter((k) => k.startsWith('xrecall/')).sort((a, b) => (a.slice(8, 11) === b.slice(8, 11) ? Number(a.slice(12)) - Number(b.slice(12)) : a < b ? -1 : 1));
  return [...EVAL_METRICS.filter((m) => seen.has(m)), ...recall, ...cross, ...fewShot, ...labels];
}

export interface BestMetric {
  readonly label: string;
  /** Formatted per run id; missing when the run has no such value. */
  readonly values: ReadonlyMap<string, { value: number; where: string }>;
}

/** Lowest loss, highest of each evaluation metric (all are higher-is-better), and the last collapse std. */
export function bestMetrics(runs: readonly RunCurves[]): BestMetric[] {
  const rows: BestMetric[] = [];
  const lowest = new Map<string, { value: number; where: string }>();
  for (const run of runs) {
    let best: TrainPoint | undefined;
    for (const p of run.train) if (Number.isFinite(p.loss) && (best === undefined || p.loss < best.loss)) best = p;
    if (best !== undefined) lowest.set(run.descriptor.id, { value: best.loss, where: `step ${best.step}` });
  }
  rows.push({ label: 'Lowest loss', values: lowest });
  const keys = availableEvalMetrics(runs);
  for (const key of keys) {
    if (key === 'collapseStd') continue;
    const values = new Map<string, { value: number; where: string }>();
    for (const run of runs) {
      let best: { value: number; where: string } | undefined;
      for (const p of run.evals) {
        const v = evalValues(p).get(key);
        if (v !== undefined && (best === undefined || v > best.value)) best = { value: v, where: `epoch ${p.epoch}` };
      }
      if (best !== undefined) values.set(run.descriptor.id, best);
    }
    rows.push({ label: `Best ${metricTitle(key)}`, values });
  }
  if (keys.includes('collapseStd')) {
    const values = new Map<string, { value: number; where: string }>();
    for (const run of runs) {
      const last = [...run.evals].reverse().find((p) => typeof p.collapseStd === 'number');
      if (last !== undefined && typeof last.collapseStd === 'number') values.set(run.descriptor.id, { value: last.collapseStd, where: `epoch ${last.epoch}` });
    }
    rows.push({ label: 'Last collapse std', values });
  }
  return rows.filter((row) => row.values.size > 0 || row.label === 'Lowest loss');
}

/** Every line of every run as one wide CSV table (train and eval rows, one column per metric). */
export function metricsCsv(runs: readonly RunCurves[]): string {
  const evalKeys = availableEvalMetrics(runs);
  const header = ['run_id', 'run_name', 'kind', 'step', 'epoch', 'time', 'loss', 'lr', 'samples_per_sec', ...evalKeys];
  const rows: CsvCell[][] = [];
  for (const run of runs) {
    const { id, name } = run.descriptor;
    for (const p of run.train) {
      rows.push([id, name, 'train', p.step, p.epoch, p.time, p.loss, p.lr, p.samplesPerSec, ...evalKeys.map(() => null)]);
    }
    for (const p of run.evals) {
      const values = evalValues(p);
      rows.push([id, name, 'eval', p.step, p.epoch, p.time, null, null, null, ...evalKeys.map((k) => values.get(k))]);
    }
  }
  return toCsv(header, rows);
}
