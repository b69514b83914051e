// The run queue of a runs folder: <runs>/queue.json, in order, each entry naming a run folder of
// that runs folder. Every change is read → modify → atomic write under <runs>/queue.lock (created
// exclusively; a lock whose owner is gone is taken over), so two processes (two `queue start`s, a
// `queue add` beside a running queue, the editor) never start the same run or lose an entry.
import { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../shared/atomic';
import { describeCause, ensureDir, readJsonFile } from '../../shared/files';
import { processAlive } from '../record';

/** waiting: to be started (or resumed); running: a trainer of the queue's runner has it; done: ended. */
export type EntryState = 'waiting' | 'running' | 'done';
/** How a done entry ended: the run's status, or `rung` (it reached its halving rung and waits for the others), or `pruned` (halving stopped it). */
export type EntryOutcome = 'completed' | 'failed' | 'stopped' | 'rung' | 'pruned';

export interface QueueEntry {
  /** The run folder's name (its id) inside the runs folder. */
  readonly run: string;
  readonly addedAt: string;
  readonly state: EntryState;
  /** The trainer process while running. */
  readonly pid: number | null;
  /** Successive halving: stop the run once it has been evaluated at this epoch (its rung); null trains to the end. */
  readonly untilEpoch: number | null;
  /** The sweep the run belongs to, when it does. */
  readonly sweep: string | null;
  readonly outcome: EntryOutcome | null;
  /** How many times the queue has started (or resumed) it. */
  readonly starts: number;
}

export interface QueueRunner {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
  readonly parallel: number;
}

export interface QueueState {
  readonly formatVersion: 1;
  /** The `queue start` process working through the queue, null when none is. */
  readonly runner: QueueRunner | null;
  readonly entries: readonly QueueEntry[];
}

export const EMPTY_QUEUE: QueueState = { formatVersion: 1, runner: null, entries: [] };

export function queuePaths(root: string): { readonly file: string; readonly lock: string } {
  return { file: join(root, 'queue.json'), lock: join(root, 'queue.lock') };
}

export class QueueError extends Error {}

/** The queue as it is on disk (an empty one when there is no file yet). */
export function readQueue(root: string): QueueState {
  const { file } = queuePaths(root);
  if (!existsSync(file)) return EMPTY_QUEUE;
  const parsed = readJsonFile<QueueState>(file, 'run queue');
  if (parsed === null || typeof parsed !== 'object' || !Array.isArray(parsed.entries)) throw new QueueError(`${file}: not a Contrastive Lab run queue (no "entries" list); move it away and add the runs again.`);
  return parsed;
}

/** True when the runner recorded in the queue is a live process (runners on another host are trusted as recorded). */
export function runnerAlive(runner: QueueRunner | null, alive: (pid: number) => boolean = processAlive): boolean {
  if (runner === null) return false;
  return runner.hostname !== hostname() || alive(runner.pid);
}

const LOCK_WAIT_MS = 10_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Takes the lock, or takes it over from an owner that is gone. Synchronous: the sections it guards are a read and a write. */
function acquire(lock: string): void {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, hostname: hostname(), at: new Date().toISOString() }));
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new QueueError(`${lock}: the queue lock cannot be created: ${describeCause(e)}.`);
    }
    if (ownerGone(lock)) {
      try {
        unlinkSync(lock);
      } catch {
        // another process took it over first: try again
      }
      continue;
    }
    if (Date.now() > deadline) throw new QueueError(`${lock}: held by another process for over ${LOCK_WAIT_MS / 1000} s; if no contrastive-lab process is running, delete the file.`);
    Atomics.wait(sleeper, 0, 0, 10);
  }
}

function ownerGone(lock: string): boolean {
  try {
    const owner = JSON.parse(readFileSync(lock, 'utf8')) as { pid?: unknown; hostname?: unknown };
    return owner.hostname === hostname() && typeof owner.pid === 'number' && !processAlive(owner.pid);
  } catch {
    return false; // being written right now, or just removed: look again
  }
}

/** Reads the queue, applies `change` and writes the result, all under the lock; returns what `change` returned. */
export function updateQueue<T>(root: string, change: (state: QueueState) => { readonly state: QueueState; readonly result: T }): T {
  ensureDir(root, 'runs folder');
  const { file, lock } = queuePaths(root);
  acquire(lock);
  try {
    const { state, result } = change(readQueue(root));
    writeJsonAtomic(file, state);
    return result;
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // already gone: nothing to release
    }
  }
}

export function newEntry(run: string, options: { readonly sweep?: string | null; readonly untilEpoch?: number | null } = {}): QueueEntry {
  return { run, addedAt: new Date().toISOString(), state: 'waiting', pid: null, untilEpoch: options.untilEpoch ?? null, sweep: options.sweep ?? null, outcome: null, starts: 0 };
}

/** Appends runs that are not in the queue yet (a run already waiting or running is not added twice); returns how many were added. */
export function enqueue(root: string, entries: readonly QueueEntry[]): number {
  return updateQueue(root, (state) => {
    const active = new Set(state.entries.filter((e) => e.state !== 'done').map((e) => e.run));
    const added = entries.filter((e) => !active.has(e.run));
    return { state: { ...state, entries: [...state.entries, ...added] }, result: added.length };
  });
}
