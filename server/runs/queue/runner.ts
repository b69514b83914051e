// Working through a runs folder's queue: start (or resume) waiting runs as `contrastive-lab queue run`
// processes, at most `parallel` at once; record how each ended; stop halving runs at their rung and
// apply the halving decisions. Everything the queue knows is in queue.json and the run folders, so
// a runner killed outright is replaced by the next `queue start`: entries whose trainer is gone are
// resumed from their last checkpoint, the others continue in order.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readJsonLines } from '../jsonl';
import type { MetricLine } from '../format';
import { runPaths } from '../paths';
import { effectiveStatus, processAlive, readRunRecord } from '../record';
import { decideHalving, higherIsBetter, resultAt, type HalvingRun } from '../sweep/halving';
import { readManifest } from '../sweep/manifest';
import { QueueError, runnerAlive, updateQueue, type EntryOutcome, type QueueEntry } from './queueFile';

export interface QueueRunOptions {
  readonly root: string;
  readonly parallel: number;
  /** Kernel threads of each run (wasm / torch). */
  readonly threads: number;
  /** Whether each run projects its final embeddings with UMAP too (PCA always). */
  readonly umap: boolean;
  /** How to start the CLI (`<command> <args...> queue run <run-dir>`). */
  readonly cli: { readonly command: string; readonly args: readonly string[] };
  readonly log: (line: string) => void;
  /** How often running runs are checked for their rung and the queue for new entries. */
  readonly pollMs?: number;
}

export interface QueueSummary {
  readonly completed: number;
  readonly failed: number;
  readonly stopped: number;
  readonly pruned: number;
}

/** A run whose trainer died without recording an end is resumed; after this many starts it is given up as failed. */
const MAX_STARTS = 3;

export async function runQueue(options: QueueRunOptions): Promise<QueueSummary> {
  const { root, log } = options;
  const children = new Map<string, ChildProcess>();
  const exited: string[] = [];
  const counts = { completed: 0, failed: 0, stopped: 0, pruned: 0 };
  let stopping = false;
  let wake: () => void = () => undefined;

  updateQueue(root, (state) => {
    if (runnerAlive(state.runner) && state.runner!.pid !== process.pid) {
      throw new QueueError(`${root}: the queue is already running in process ${state.runner!.pid} (since ${state.runner!.startedAt}); \`contrastive-lab queue stop ${root}\` stops it.`);
    }
    return { state: { ...state, runner: { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), parallel: options.parallel } }, result: undefined };
  });
  const onSignal = (): void => {
    if (!stopping) log(`stopping: the ${children.size} running run${children.size === 1 ? '' : 's'} checkpoint and stop; \`contrastive-lab queue start\` resumes them`);
    stopping = true;
    for (const child of children.values()) child.kill('SIGTERM');
    wake();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const stopAsked = new Set<string>();

  const start = (entry: QueueEntry): QueueEntry => {
    const dir = join(root, entry.run);
    const out = openSync(join(dir, 'queue.log'), 'a');
    const child = spawn(options.cli.command, [...options.cli.args, 'queue', 'run', dir, '--threads', String(options.threads), ...(entry.untilEpoch !== null ? ['--until-epoch', String(entry.untilEpoch)] : []), ...(options.umap ? [] : ['--no-umap'])], { stdio: ['ignore', out, out] });
    closeSync(out);
    children.set(entry.run, child);
    child.on('exit', () => {
      children.delete(entry.run);
      exited.push(entry.run);
      wake();
    });
    log(`started ${entry.run}${entry.untilEpoch !== null ? ` (until epoch ${entry.untilEpoch}: its halving rung)` : ''}`);
    return { ...entry, state: 'running', pid: child.pid ?? null, starts: entry.starts + 1 };
  };

  try {
    let firstPass = true;
    for (;;) {
      const finished = exited.splice(0);
      const { done, running } = updateQueue(root, (state) => {
        let entries = state.entries.map((e) => {
          if (e.state !== 'running') return e;
          if (finished.includes(e.run) || (!children.has(e.run) && !trainerAlive(root, e))) return settle(root, e, stopping, counts, log);
          return e;
        });
        // Halving is decided when a run reaches its rung, and once on start (a runner killed before deciding).
        const sweeps = new Set(entries.filter((e, i) => e.sweep !== null && e.outcome === 'rung' && (firstPass || e !== state.entries[i])).map((e) => e.sweep!));
        for (const sweep of sweeps) entries = applyHalving(root, sweep, entries, counts, log);
        if (!stopping) {
          let free = options.parallel - entries.filter((e) => e.state === 'running').length;
          entries = entries.map((e) => {
            if (free <= 0 || e.state !== 'waiting') return e;
            const ready = readiness(root, e);
            if (ready !== null) return ready;
            free--;
            return start(e);
          });
        }
        const active = entries.filter((e) => e.state === 'running').length + (stopping ? 0 : entries.filter((e) => e.state === 'waiting').length);
        return { state: { ...state, entries }, result: { done: active === 0 && children.size === 0, running: entries.filter((e) => e.state === 'running') } };
      });
      firstPass = false;
      if (done) break;
      // Halving runs are stopped once their metrics pass their rung (once per rung: a promoted run has a later one).
      for (const entry of running) {
        const child = children.get(entry.run);
        const key = `${entry.run}@${entry.untilEpoch}`;
        if (child !== undefined && entry.untilEpoch !== null && !stopAsked.has(key) && pastRung(root, entry.run, entry.untilEpoch)) {
          stopAsked.add(key);
          child.kill('SIGTERM');
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs ?? 500);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    updateQueue(root, (state) => ({ state: { ...state, runner: state.runner?.pid === process.pid ? null : state.runner }, result: undefined }));
  }
  return counts;

}

/** A halving run whose metrics have passed its rung: an evaluation at it, or a step after it. */
function pastRung(root: string, run: string, until: number): boolean {
  return readJsonLines<MetricLine>(runPaths(join(root, run)).metrics).lines.some((l) => (l.kind === 'eval' && l.epoch >= until) || (l.kind === 'step' && l.epoch > until));
}

/** Whether the trainer of a running entry (maybe from a runner that was killed) still runs. */
function trainerAlive(root: string, entry: QueueEntry): boolean {
  if (entry.pid !== null && processAlive(entry.pid)) return true;
  try {
    return effectiveStatus(readRunRecord(join(root, entry.run))) === 'running';
  } catch {
    return false;
  }
}

/** A waiting entry that must not be started: its folder is gone, or its run has already completed. Null when it can start. */
function readiness(root: string, entry: QueueEntry): QueueEntry | null {
  const dir = join(root, entry.run);
  if (!existsSync(runPaths(dir).runJson)) return { ...entry, state: 'done', outcome: 'failed' };
  const status = effectiveStatus(readRunRecord(dir));
  if (status === 'completed') return { ...entry, state: 'done', outcome: 'completed', untilEpoch: null };
  if (status === 'running') return { ...entry, state: 'running' };
  return null;
}

/** How a run's trainer ended, from its run.json: the entry's next state. */
function settle(root: string, entry: QueueEntry, stopping: boolean, counts: Record<keyof QueueSummary, number>, log: (line: string) => void): QueueEntry {
  const dir = join(root, entry.run);
  let record;
  try {
    record = readRunRecord(dir);
  } catch (e) {
    counts.failed++;
    log(`${entry.run} failed: ${(e as Error).message}`);
    return { ...entry, state: 'done', pid: null, outcome: 'failed' };
  }
  const status = effectiveStatus(record);
  const end = (outcome: EntryOutcome): QueueEntry => ({ ...entry, state: 'done', pid: null, outcome });
  if (status === 'completed') {
    counts.completed++;
    log(`${entry.run} completed${record.bestKnnAccuracy !== null ? ` (best kNN ${(record.bestKnnAccuracy * 100).toFixed(2)}%)` : ''}`);
    return { ...end('completed'), untilEpoch: null };
  }
  if (status === 'failed') {
    counts.failed++;
    log(`${entry.run} failed: ${record.error?.message ?? 'see its run.json'}; the queue goes on`);
    return end('failed');
  }
  if (status === 'stopped' && entry.untilEpoch !== null && record.epoch >= entry.untilEpoch) {
    log(`${entry.run} reached its rung (epoch ${entry.untilEpoch})`);
    return end('rung');
  }
  if (stopping) return { ...entry, state: 'waiting', pid: null };
  if (status === 'stopped') {
    counts.stopped++;
    log(`${entry.run} was stopped; \`contrastive-lab queue add ${dir}\` queues it again`);
    return end('stopped');
  }
  // interrupted: the trainer died without recording an end (killed, crashed). Resume it from its checkpoint.
  if (entry.starts >= MAX_STARTS) {
    counts.failed++;
    log(`${entry.run} was interrupted ${entry.starts} times; giving up on it (\`contrastive-lab resume ${dir}\` continues it by hand)`);
    return end('failed');
  }
  log(`${entry.run} was interrupted; it resumes from its last checkpoint`);
  return { ...entry, state: 'waiting', pid: null };
}

/** Applies the halving decisions of one sweep to the queue's entries. */
export function applyHalving(root: string, sweepId: string, entries: readonly QueueEntry[], counts: Record<keyof QueueSummary, number>, log: (line: string) => void): QueueEntry[] {
  const manifest = readManifest(root, sweepId);
  const rungs = manifest.rungs;
  const halving = manifest.sweep.halving;
  if (rungs === null || halving === null) return [...entries];
  const latest = new Map<string, number>();
  entries.forEach((e, i) => e.sweep === sweepId && latest.set(e.run, i));
  const runs: HalvingRun[] = [];
  for (const child of manifest.children) {
    const at = latest.get(child.run);
    if (at === undefined) continue;
    const entry = entries[at]!;
    const target = entry.untilEpoch === null ? rungs.length - 1 : Math.max(0, rungs.indexOf(entry.untilEpoch));
    const settled = entry.state === 'done';
    const lines = readJsonLines<MetricLine>(runPaths(join(root, child.run)).metrics).lines;
    const failed = entry.outcome === 'failed';
    runs.push({ index: child.index, target, settled, pruned: entry.outcome === 'pruned', results: rungs.slice(0, target + 1).map((epoch, k) => (failed || (k === target && !settled) ? null : resultAt(lines, halving.metric, epoch))) });
  }
  const decision = decideHalving(runs, rungs.length, halving.eta, higherIsBetter(halving.metric));
  const next = [...entries];
  for (const index of decision.promote) {
    const child = manifest.children.find((c) => c.index === index)!;
    const at = latest.get(child.run)!;
    const target = runs.find((r) => r.index === index)!.target + 1;
    next[at] = { ...next[at]!, state: 'waiting', outcome: null, untilEpoch: target === rungs.length - 1 ? null : rungs[target]! };
    log(`${child.run} continues to epoch ${rungs[target]} (successive halving, ${halving.metric})`);
  }
  for (const index of decision.prune) {
    const child = manifest.children.find((c) => c.index === index)!;
    const at = latest.get(child.run)!;
    if (next[at]!.outcome !== 'rung') continue;
    next[at] = { ...next[at]!, outcome: 'pruned' };
    counts.pruned++;
    log(`${child.run} stops at epoch ${rungs[runs.find((r) => r.index === index)!.target]} (successive halving: not in the best 1/${halving.eta})`);
  }
  return next;
}

