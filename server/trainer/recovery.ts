// Recovering from faults around a session: temp files a failed or killed writer left behind,
// damaged or missing checkpoints on resume, and recording a failure when the disk is full.
import { closeSync, ftruncateSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../runs/format';
import { FileError, removeTempFiles } from '../shared/files';
import { runPaths } from '../runs/paths';
import { readRunRecord, updateRunRecord } from '../runs/record';
import { listCheckpoints, loadNewestIntactCheckpoint, type LoadedCheckpoint } from './checkpoint';

/** Removes `*.tmp` files and `.step-*.tmp/` folders from the run, its checkpoints and embeddings; returns what went. */
export function removeRunTempFiles(runDir: string): string[] {
  const p = runPaths(runDir);
  return [...removeTempFiles(p.dir), ...removeTempFiles(p.checkpoints), ...removeTempFiles(p.embeddings), ...removeTempFiles(p.timeline)];
}

/** A request to stop that arrived while the embeddings were written: the run stops, resumable. */
export class StopRequested extends Error {
  constructor() {
    super('stop requested');
    this.name = 'StopRequested';
  }
}

export interface ResumePoint {
  readonly checkpoint: LoadedCheckpoint | null;
  /** One line per thing the user should know: damaged checkpoints skipped, the recorded one missing. */
  readonly notes: string[];
}

/**
 * The checkpoint a resume continues from: the newest intact one. Damaged newer ones are named with
 * the reason and removed (they can never be used and would otherwise outlive the intact ones when old
 * checkpoints are pruned). When checkpoints exist but none is intact, a FileError names every damaged
 * file and nothing is changed, so no completed step is lost.
 */
export function findResumePoint(runDir: string, recorded: string | null): ResumePoint {
  const notes: string[] = [];
  const { checkpoint, skipped } = loadNewestIntactCheckpoint(runDir);
  const root = runPaths(runDir).checkpoints;
  if (recorded !== null && !listCheckpoints(runDir).some((n) => `checkpoints/${n}` === recorded)) {
    notes.push(`the recorded last checkpoint ${join(runDir, recorded)} is missing; ${checkpoint ? `using ${checkpoint.name} instead` : 'no other checkpoint is there'}`);
  }
  if (checkpoint === null && skipped.length > 0) {
    throw new FileError(root, `no intact checkpoint to resume from: ${skipped.map((s) => s.reason).join('; ')}. Remove the damaged folders to start the run over from step 0.`);
  }
  for (const s of skipped) {
    notes.push(`skipped damaged checkpoint ${s.reason}; resuming from the older ${checkpoint!.name} (step ${checkpoint!.state.position.step}) and removing ${s.name}`);
    rmSync(join(runDir, s.name), { recursive: true, force: true });
  }
  return { checkpoint, notes };
}

/**
 * Marks the run failed even when the disk is full: temp files are removed first (freeing space),
 * then run.json is replaced atomically or, if that cannot be written either, overwritten in place
 * (the same few hundred bytes need no new blocks). Returns the record, or null if nothing worked.
 */
export function recordFailure(runDir: string, change: Partial<RunRecord>): RunRecord | null {
  try {
    return updateRunRecord(runDir, change);
  } catch {
    removeRunTempFiles(runDir);
  }
  try {
    return updateRunRecord(runDir, change);
  } catch {
    // fall through to an in-place write
  }
  try {
    const next: RunRecord = { ...readRunRecord(runDir), ...change };
    const bytes = Buffer.from(JSON.stringify(next, null, 2) + '\n', 'utf8');
    const fd = openSync(runPaths(runDir).runJson, 'r+');
    try {
      writeSync(fd, bytes, 0, bytes.length, 0);
      ftruncateSync(fd, bytes.length);
    } finally {
      closeSync(fd);
    }
    return next;
  } catch {
    return null;
  }
}

/** Best effort: removes a folder a failed command began (e.g. an export half written). */
export function removeQuietlyRecursive(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // nothing more to do
  }
}
