// The set of runs under the runs folder, kept current by refresh(id) calls from the watcher.
// Free of VS Code: listeners are plain callbacks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MetricsFollower } from './metricsFollower';
import { processAlive } from '../../server/runs/record';
import { readRunSnapshot, type PidProbe, type RunSnapshot } from './runSnapshot';
import { compareRunsNewestFirst } from './runPresentation';

/** The tree's live summary needs only recent lines; run.json keeps the best kNN accuracy of the whole run. */
const SUMMARY_TAIL_BYTES = 64 * 1024;

export type RunsListener = (changedIds: readonly string[]) => void;

export class RunStore {
  private readonly runs = new Map<string, RunSnapshot>();
  private readonly followers = new Map<string, MetricsFollower>();
  private readonly listeners = new Set<RunsListener>();

  constructor(readonly runsFolder: string, private readonly isAlive: PidProbe = processAlive) {}

  onDidChange(listener: RunsListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Re-reads every run directory; returns the ids found. */
  refreshAll(): string[] {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.runsFolder, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      names = [];
    }
    const gone = [...this.runs.keys()].filter((dirName) => !names.includes(dirName));
    for (const dirName of gone) this.forget(dirName);
    const changed = [...gone];
    for (const dirName of names) if (this.load(dirName)) changed.push(dirName);
    if (changed.length > 0) this.emit(changed);
    return [...this.runs.keys()];
  }

  /** Re-reads one run directory (by its folder name). */
  refresh(dirName: string): void {
    const existed = this.runs.has(dirName);
    const present = this.load(dirName);
    if (!present && existed && !fs.existsSync(path.join(this.runsFolder, dirName))) this.forget(dirName);
    if (present || existed) this.emit([dirName]);
  }

  get(dirName: string): RunSnapshot | undefined {
    return this.runs.get(dirName);
  }

  list(): RunSnapshot[] {
    return [...this.runs.values()].sort(compareRunsNewestFirst);
  }

  /** The run whose run.json names this pid (how a spawned trainer is matched to its folder). */
  findByPid(pid: number): RunSnapshot | undefined {
    return this.list().find((r) => r.record.pid === pid);
  }

  private load(dirName: string): boolean {
    const dir = path.join(this.runsFolder, dirName);
    let follower = this.followers.get(dirName);
    if (!follower) {
      follower = new MetricsFollower(path.join(dir, 'metrics.jsonl'), SUMMARY_TAIL_BYTES);
      this.followers.set(dirName, follower);
    }
    const snapshot = readRunSnapshot(dir, follower, this.isAlive);
    if (!snapshot) return false;
    this.runs.set(dirName, snapshot);
    return true;
  }

  private forget(dirName: string): void {
    this.runs.delete(dirName);
    this.followers.delete(dirName);
  }

  private emit(ids: readonly string[]): void {
    for (const l of this.listeners) l(ids);
  }
}
