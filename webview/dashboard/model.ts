// The dashboard's data: per run, the training and evaluation lines received so far, kept as
// columns for the charts (by step or by epoch), plus best metrics and CSV export. No DOM here.

import { EVAL_METRICS, EvalMetric, EvalPoint, RunDescriptor, TrainPoint, XAxis } from '../protocol';
import { CsvCell, toCsv } from '../shared/csv';
import { Series } from '../shared/series';

/** A chartable evaluation metric: one of EVAL_METRICS or `recall@<k>`. */
export type EvalMetricKey = EvalMetric | `recall@${string}`;

export const METRIC_TITLES: Readonly<Record<EvalMetric, string>> = {
  knnAccuracy: 'kNN accuracy',
  linearProbeAccuracy: 'Linear probe accuracy',
  precisionAt1: 'Precision@1',
  mapAtR: 'MAP@R',
  collapseStd: 'Collapse std (0 = collapsed)',
};

export function metricTitle(key: EvalMetricKey): string {
  return key.startsWith('recall@') ? `Recall@${key.slice('recall@'.length)}` : METRIC_TITLES[key as EvalMetric];
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
  return values;
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
  return [...EVAL_METRICS.filter((m) => seen.has(m)), ...recall];
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
