// The one reader of a run directory, for the CLI and the editor alike: run.json with the status a
// reader should show (effectiveStatus), metrics.jsonl followed incrementally (MetricsTail), and
// the summary every view shows (best and latest figures, duration, the learning verdict).
// A RunReader kept between reads parses only what was appended since the last one.
import { existsSync } from 'node:fs';
import type { EffectiveStatus, EvalMetric, MetricLine, RunRecord, StepMetric } from './format';
import { parseJsonObject } from './jsonl';
import { learningProblem, type LearningProblem } from './learning';
import { runPaths } from './paths';
import { effectiveStatus, processAlive, readRunRecord } from './record';
import { FileTail } from './tail';

/** What the metric lines read so far say; undefined until a line says it. */
export interface MetricsSummary {
  readonly lastStep: number | undefined;
  readonly lastEpoch: number | undefined;
  readonly lastLoss: number | undefined;
  /** Seconds since the run started, of the newest line. */
  readonly lastTime: number | undefined;
  readonly bestKnnAccuracy: number | undefined;
  readonly lastEval: EvalMetric | undefined;
}

export interface MetricsRead {
  readonly lines: readonly MetricLine[];
  /** True when the file was rewritten from the start (resume trims lines past the checkpoint): `lines` replace what was read. */
  readonly reset: boolean;
}

function metricLine(text: string): MetricLine | undefined {
  const v = parseJsonObject(text);
  if (v === undefined) return undefined; // a damaged line in the middle is skipped, as readJsonLines reports it
  if (v.kind === 'step' && typeof v.step === 'number' && typeof v.loss === 'number') return v as unknown as StepMetric;
  if (v.kind === 'eval' && typeof v.epoch === 'number') return v as unknown as EvalMetric;
  return undefined;
}

/** metrics.jsonl followed incrementally: each readNew() parses only the lines appended since the last. */
export class MetricsTail {
  private readonly tail: FileTail;
  private lastStep: number | undefined;
  private lastEpoch: number | undefined;
  private lastLoss: number | undefined;
  private lastTime: number | undefined;
  private bestKnn: number | undefined;
  private lastEval: EvalMetric | undefined;

  /** @param startBytesFromEnd the first read starts this far before the end (see FileTail). */
  constructor(file: string, startBytesFromEnd?: number) {
    this.tail = new FileTail(file, { startBytesFromEnd });
  }

  readNew(): MetricsRead {
    const read = this.tail.read();
    if (read.reset) this.lastStep = this.lastEpoch = this.lastLoss = this.lastTime = this.bestKnn = this.lastEval = undefined;
    const lines: MetricLine[] = [];
    for (const text of read.lines) {
      const line = metricLine(text);
      if (line === undefined) continue;
      lines.push(line);
      this.take(line);
    }
    return { lines, reset: read.reset };
  }

  summary(): MetricsSummary {
    return { lastStep: this.lastStep, lastEpoch: this.lastEpoch, lastLoss: this.lastLoss, lastTime: this.lastTime, bestKnnAccuracy: this.bestKnn, lastEval: this.lastEval };
  }

  private take(line: MetricLine): void {
    if (typeof line.time === 'number') this.lastTime = line.time;
    if (line.kind === 'step') {
      this.lastStep = line.step;
      this.lastEpoch = line.epoch;
      this.lastLoss = line.loss;
      return;
    }
    this.lastEval = line;
    if (typeof line.knnAccuracy === 'number') this.bestKnn = Math.max(this.bestKnn ?? line.knnAccuracy, line.knnAccuracy);
  }
}

/** One run directory as every view shows it. */
export interface RunSummary {
  readonly id: string;
  readonly dir: string;
  /** run.json's name, else its id. */
  readonly name: string;
  readonly record: RunRecord;
  /** As recorded, except a queued/running run whose trainer is gone, which reads `interrupted`. */
  readonly status: EffectiveStatus;
  readonly metrics: MetricsSummary;
  /** The best of run.json's and the evaluations read; null before the first evaluation. */
  readonly bestKnnAccuracy: number | null;
  /** Wall seconds from start to end (or to now while running); null if never started. */
  readonly durationSec: number | null;
  /** Collapsed, chance-level or non-finite; null for a run that learned normally (or not yet evaluated). */
  readonly learning: LearningProblem | null;
  readonly hasEmbeddings: boolean;
}

export type PidProbe = (pid: number) => boolean;

export interface RunReaderOptions {
  /** Read only this many bytes at the end of metrics.jsonl at first (the Runs view's live summary). */
  readonly metricsTailBytes?: number;
  /** Whether a trainer pid is alive (tests pass their own). */
  readonly isAlive?: PidProbe;
}

export class RunReader {
  private readonly metrics: MetricsTail;
  private readonly isAlive: PidProbe;

  constructor(readonly dir: string, options: RunReaderOptions = {}) {
    this.metrics = new MetricsTail(runPaths(dir).metrics, options.metricsTailBytes);
    this.isAlive = options.isAlive ?? processAlive;
  }

  /** run.json and the metrics appended since the last read; throws a RunDirectoryError when run.json is missing or damaged. */
  read(now: Date = new Date()): RunSummary {
    const record = readRunRecord(this.dir);
    this.metrics.readNew();
    const metrics = this.metrics.summary();
    const status = effectiveStatus(record, this.isAlive);
    const seen = metrics.bestKnnAccuracy ?? null;
    const recorded = record.bestKnnAccuracy;
    return {
      id: record.id,
      dir: this.dir,
      name: record.name || record.id,
      record,
      status,
      metrics,
      bestKnnAccuracy: recorded === null ? seen : seen === null ? recorded : Math.max(recorded, seen),
      durationSec: duration(record, status, metrics, now),
      learning: learningProblem(record),
      hasEmbeddings: existsSync(runPaths(this.dir).embeddingsMeta),
    };
  }
}

function duration(record: RunRecord, status: EffectiveStatus, metrics: MetricsSummary, now: Date): number | null {
  if (record.startedAt === null) return null;
  const end = record.endedAt !== null ? Date.parse(record.endedAt) : status === 'running' ? now.getTime() : null;
  // A run that ended without saying when (killed): its last metric line's time.
  return end !== null ? Math.max(0, (end - Date.parse(record.startedAt)) / 1000) : metrics.lastTime ?? null;
}

/** One look at a run directory, its whole metrics.jsonl read. */
export function summarizeRun(dir: string, now: Date = new Date()): RunSummary {
  return new RunReader(dir).read(now);
}
