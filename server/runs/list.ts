// Listing the runs under an output folder, newest first, each summarised by the run reader.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runPaths } from './paths';
import { RunReader, type RunReaderOptions, type RunSummary } from './reader';

/** Newest first, by creation time, then by id. */
export function compareRunsNewestFirst(a: RunSummary, b: RunSummary): number {
  return b.record.createdAt.localeCompare(a.record.createdAt) || b.id.localeCompare(a.id);
}

/**
 * Every run directory directly under `root` (folders holding a run.json), newest first. Damaged ones are reported in `skipped`.
 * `options` go to each run's reader (a caller that reads metrics.jsonl itself asks only for its tail).
 */
export function listRuns(root: string, options: RunReaderOptions = {}): { runs: RunSummary[]; skipped: { dir: string; reason: string }[] } {
  const runs: RunSummary[] = [];
  const skipped: { dir: string; reason: string }[] = [];
  if (!existsSync(root)) return { runs, skipped };
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, entry.name);
    if (!existsSync(runPaths(dir).runJson)) continue;
    try {
      runs.push(new RunReader(dir, options).read());
    } catch (e) {
      skipped.push({ dir, reason: (e as Error).message });
    }
  }
  runs.sort(compareRunsNewestFirst);
  return { runs, skipped };
}
