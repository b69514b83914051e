// The rows of every run under some runs folders, read once (the CLI's table and compare).
import { compareRunsNewestFirst, listRuns } from '../list';
import type { RunSummary } from '../reader';
import type { TableRow } from './columns';
import { RunEntries } from './entries';

export interface LoadedRows {
  /** Newest first; keyed by the run folder's path. */
  readonly rows: TableRow[];
  /** Runs that could not be read at all, and files of shown runs that could not be (damaged annotations, spec.json). */
  readonly problems: string[];
}

/**
 * What a summary needs of metrics.jsonl is at its end (the last line's time; the best kNN the
 * results take from every line anyway): RunEntries reads the whole file, so the listing reads only
 * this much of it, as the editor's run store does.
 */
export const SUMMARY_TAIL_BYTES = 64 * 1024;

export function loadRows(folders: readonly string[]): LoadedRows {
  const problems: string[] = [];
  const entries = new RunEntries((message) => problems.push(message));
  const summaries: RunSummary[] = [];
  for (const folder of folders) {
    const found = listRuns(folder, { metricsTailBytes: SUMMARY_TAIL_BYTES });
    summaries.push(...found.runs);
    for (const s of found.skipped) problems.push(`skipped a damaged run: ${s.reason.startsWith(s.dir) ? s.reason : `${s.dir}: ${s.reason}`}`);
  }
  summaries.sort(compareRunsNewestFirst);
  return { rows: summaries.map((s) => entries.row(s.dir, s)), problems };
}
