// Follows a run's metrics.jsonl incrementally: each read parses only the bytes appended since the
// previous one, so a long run's file is never re-read. A torn last line (the trainer is writing
// it right now, or was killed mid-write) waits for the next read.
import * as fs from 'node:fs';
import type { EvalMetric, MetricLine, StepMetric } from '../../server/runs/format';

export interface MetricsSummary {
  readonly lastStep: number | undefined;
  readonly lastEpoch: number | undefined;
  readonly lastLoss: number | undefined;
  readonly bestKnnAccuracy: number | undefined;
}

export interface MetricsRead {
  readonly lines: readonly MetricLine[];
  /** True when the file was rewritten from the start (resume trims lines past the checkpoint). */
  readonly reset: boolean;
}

function isStep(v: Record<string, unknown>): v is StepMetric & Record<string, unknown> {
  return v.kind === 'step' && typeof v.step === 'number' && typeof v.loss === 'number';
}

function isEval(v: Record<string, unknown>): v is EvalMetric & Record<string, unknown> {
  return v.kind === 'eval' && typeof v.epoch === 'number';
}

export class MetricsFollower {
  private offset = 0;
  private carry = '';
  private lastStep: number | undefined;
  private lastEpoch: number | undefined;
  private lastLoss: number | undefined;
  private bestKnn: number | undefined;

  /**
   * @param tailBytes when set, the first read starts this many bytes before the end (skipping the
   *   partial first line): enough for the tree's live summary without parsing a long run's history.
   */
  constructor(private readonly file: string, private readonly tailBytes?: number) {}

  /** Reads what was appended since the last call. */
  readNew(): MetricsRead {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return { lines: [], reset: false };
    }
    try {
      const size = fs.fstatSync(fd).size;
      const reset = size < this.offset;
      if (reset) this.clear();
      if (size === this.offset) return { lines: [], reset };
      const skipToLineStart = this.offset === 0 && this.tailBytes !== undefined && size > this.tailBytes;
      if (skipToLineStart) this.offset = size - (this.tailBytes ?? 0);
      const buffer = Buffer.alloc(size - this.offset);
      fs.readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset = size;
      const parts = (this.carry + buffer.toString('utf8')).split('\n');
      if (skipToLineStart) parts.shift(); // the cut went through a line
      this.carry = parts.pop() ?? '';
      const lines: MetricLine[] = [];
      for (const part of parts) {
        const line = this.parse(part);
        if (line) lines.push(line);
      }
      return { lines, reset };
    } finally {
      fs.closeSync(fd);
    }
  }

  summary(): MetricsSummary {
    return { lastStep: this.lastStep, lastEpoch: this.lastEpoch, lastLoss: this.lastLoss, bestKnnAccuracy: this.bestKnn };
  }

  private parse(text: string): MetricLine | undefined {
    if (text.trim().length === 0) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined; // a damaged line in the middle is skipped, as the CLI's reader does
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const record = value as Record<string, unknown>;
    if (isStep(record)) {
      this.lastStep = record.step;
      this.lastEpoch = record.epoch;
      this.lastLoss = record.loss;
      return record;
    }
    if (isEval(record)) {
      if (typeof record.knnAccuracy === 'number') this.bestKnn = Math.max(this.bestKnn ?? record.knnAccuracy, record.knnAccuracy);
      return record;
    }
    return undefined;
  }

  private clear(): void {
    this.offset = 0;
    this.carry = '';
    this.lastStep = this.lastEpoch = this.lastLoss = this.bestKnn = undefined;
  }
}
