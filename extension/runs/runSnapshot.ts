// What the extension shows about one run directory (runs/<id>/): run.json read through the
// shared run-directory readers (server/runs), plus the metrics appended since the last look.
import * as fs from 'node:fs';
import type { EffectiveStatus, RunRecord } from '../../server/runs/format';
import { runPaths } from '../../server/runs/paths';
import { effectiveStatus, processAlive, readRunRecord } from '../../server/runs/record';
import type { MetricsFollower, MetricsSummary } from './metricsFollower';

export type RunStatus = EffectiveStatus;
export type PidProbe = (pid: number) => boolean;

export interface RunSnapshot {
  readonly id: string;
  readonly dir: string;
  readonly name: string;
  /** As recorded, except a queued/running run whose trainer is gone, which reads `interrupted`. */
  readonly status: RunStatus;
  readonly record: RunRecord;
  readonly metrics: MetricsSummary;
  readonly bestKnnAccuracy: number | undefined;
  readonly hasEmbeddings: boolean;
}

/**
 * Reads run.json and the metrics appended since `follower` last read. Returns undefined when the
 * folder holds no readable run.json (not a run, or the trainer is creating it right now).
 */
export function readRunSnapshot(runDir: string, follower: MetricsFollower, isAlive: PidProbe = processAlive): RunSnapshot | undefined {
  let record: RunRecord;
  try {
    record = readRunRecord(runDir);
  } catch {
    return undefined;
  }
  follower.readNew();
  const metrics = follower.summary();
  const recorded = record.bestKnnAccuracy ?? undefined;
  const seen = metrics.bestKnnAccuracy;
  return {
    id: record.id,
    dir: runDir,
    name: record.name || record.id,
    status: effectiveStatus(record, isAlive),
    record,
    metrics,
    bestKnnAccuracy: recorded === undefined ? seen : seen === undefined ? recorded : Math.max(recorded, seen),
    hasEmbeddings: fs.existsSync(runPaths(runDir).embeddingsMeta),
  };
}
