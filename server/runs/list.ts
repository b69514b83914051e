// Listing the runs under an output folder, newest first, with what a user wants at a glance.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EffectiveStatus, EvalMetric, MetricLine, RunRecord } from './format';
import { readJsonLines } from './jsonl';
import { runPaths } from './paths';
import { effectiveStatus, readRunRecord } from './record';

export interface RunSummary {
  readonly dir: string;
  readonly record: RunRecord;
  readonly status: EffectiveStatus;
  readonly bestKnnAccuracy: number | null;
  readonly lastEval: EvalMetric | null;
  /** Wall seconds from start to end (or to now while running); null if never started. */
  readonly durationSec: number | null;
}

export function summarizeRun(dir: string, now: Date = new Date()): RunSummary {
  const record = readRunRecord(dir);
  const { lines } = readJsonLines<MetricLine>(runPaths(dir).metrics);
  let best: number | null = record.bestKnnAccuracy;
  let lastEval: EvalMetric | null = null;
  for (const line of lines) {
    if (line.kind !== 'eval') continue;
    lastEval = line;
    if (typeof line.knnAccuracy === 'number' && (best === null || line.knnAccuracy > best)) best = line.knnAccuracy;
  }
  const status = effectiveStatus(record);
  let durationSec: number | null = null;
  if (record.startedAt !== null) {
    const end = record.endedAt !== null ? Date.parse(record.endedAt) : status === 'running' ? now.getTime() : null;
    const lastTime = lines.length > 0 ? lines[lines.length - 1]!.time : null;
    durationSec = end !== null ? Math.max(0, (end - Date.parse(record.startedAt)) / 1000) : lastTime;
  }
  return { dir, record, status, bestKnnAccuracy: best, lastEval, durationSec };
}

/** Every run directory directly under `root` (folders holding a run.json), newest first. Damaged ones are reported in `skipped`. */
export function listRuns(root: string): { runs: RunSummary[]; skipped: { dir: string; reason: string }[] } {
  const runs: RunSummary[] = [];
  const skipped: { dir: string; reason: string }[] = [];
  if (!existsSync(root)) return { runs, skipped };
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, entry.name);
    if (!existsSync(runPaths(dir).runJson)) continue;
    try {
      runs.push(summarizeRun(dir));
    } catch (e) {
      skipped.push({ dir, reason: (e as Error).message });
    }
  }
  runs.sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt) || b.record.id.localeCompare(a.record.id));
  return { runs, skipped };
}
