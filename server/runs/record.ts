// Reading and updating run.json, and the status a reader should show.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { writeJsonAtomic } from '../shared/atomic';
import { readJsonFile, unreachableCause } from '../shared/files';
import type { EffectiveStatus, RunRecord } from './format';
import { runPaths } from './paths';

export class RunDirectoryError extends Error {}

export function readRunRecord(dir: string): RunRecord {
  const file = runPaths(dir).runJson;
  if (!existsSync(dir)) throw new RunDirectoryError(unreachableCause(dir) !== null ? `${dir}: cannot be opened: ${unreachableCause(dir)}.` : `${dir}: no such run folder; \`contrastive-lab list\` shows the runs.`);
  if (!existsSync(file)) {
    throw new RunDirectoryError(`${file}: no run.json here; is ${dir} a run directory (runs/<run-id>/)?`);
  }
  let parsed: unknown;
  try {
    parsed = readJsonFile<unknown>(file, 'run record');
  } catch (e) {
    throw new RunDirectoryError((e as Error).message);
  }
  if (parsed === null || typeof parsed !== 'object' || typeof (parsed as { id?: unknown }).id !== 'string' || typeof (parsed as { status?: unknown }).status !== 'string') {
    throw new RunDirectoryError(`${file}: missing "id" or "status"; this is not a Contrastive Lab run.json.`);
  }
  return parsed as RunRecord;
}

export function writeRunRecord(dir: string, record: RunRecord): void {
  writeJsonAtomic(runPaths(dir).runJson, record);
}

export function updateRunRecord(dir: string, change: Partial<RunRecord>): RunRecord {
  const next: RunRecord = { ...readRunRecord(dir), ...change };
  writeRunRecord(dir, next);
  return next;
}

/**
 * True when a process with this pid exists on this machine (EPERM means it exists but is not ours)
 * and could be a trainer. Trainers are Node or Electron processes (the CLI, the extension's host
 * binary with ELECTRON_RUN_AS_NODE); where /proc shows the command line (Linux), a pid that now
 * belongs to something else (`sleep`, a shell: the pid was reused after a crash or reboot) does not
 * keep a dead run looking `running`.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (pid === process.pid) return true;
  // A zombie has ended: its parent was killed too, and where nothing reaps orphans (PID 1 of a container) it stays listed.
  try {
    if (/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'latin1'))) return false;
  } catch {
    // no /proc: the checks below decide
  }
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return true; // no /proc (macOS, Windows) or not readable: trust the pid
  }
  if (cmdline === '') return true; // a zombie or a kernel thread: cannot tell
  return /node|electron|code|contrastive/i.test(cmdline);
}

/** A run the run queue holds and has not started: queued, with no trainer process yet (server/runs/queue). */
export function waitsInQueue(record: RunRecord): boolean {
  return record.status === 'queued' && record.pid === null;
}

/**
 * A run recorded as queued/running whose trainer process is gone (killed, machine rebooted) is
 * `interrupted`: resume continues it from its last checkpoint. Runs from another host are
 * trusted as recorded, since their pid cannot be checked here.
 */
export function effectiveStatus(record: RunRecord, alive: (pid: number) => boolean = processAlive): EffectiveStatus {
  if (record.status !== 'running' && record.status !== 'queued') return record.status;
  if (waitsInQueue(record)) return 'queued';
  if (record.hostname !== hostname()) return record.status;
  if (record.pid === null || !alive(record.pid)) return 'interrupted';
  return record.status;
}
