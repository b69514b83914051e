// The set of runs under the runs folder, kept current by refresh(id) calls from the watcher.
// One RunReader per run directory, so each refresh parses only the metric lines appended since
// the last. Free of VS Code: listeners are plain callbacks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareRunsNewestFirst } from '../../server/runs/list';
import { RunReader, type PidProbe, type RunSummary } from '../../server/runs/reader';
import { processAlive } from '../../server/runs/record';

/** The tree's live summary needs only recent lines; run.json keeps the best kNN accuracy of the whole run. */
const SUMMARY_TAIL_BYTES = 64 * 1024;

export type RunsListener = (changedIds: readonly string[]) => void;

export class RunStore {
  private readonly runs = new Map<string, RunSummary>();
  private readonly readers = new Map<string, RunReader>();
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

  get(dirName: string): RunSummary | undefined {
    return this.runs.get(dirName);
  }

  list(): RunSummary[] {
    return [...this.runs.values()].sort(compareRunsNewestFirst);
  }

  /** The run with this id (run.json `id`, also on every line the trainer streams). */
  findById(id: string): RunSummary | undefined {
    return this.list().find((r) => r.record.id === id);
  }

  /** The run whose run.json names this pid (how a spawned trainer is matched to its folder). */
  findByPid(pid: number): RunSummary | undefined {
    return this.list().find((r) => r.record.pid === pid);
  }

  private load(dirName: string): boolean {
    let reader = this.readers.get(dirName);
    if (!reader) {
      reader = new RunReader(path.join(this.runsFolder, dirName), { metricsTailBytes: SUMMARY_TAIL_BYTES, isAlive: this.isAlive });
      this.readers.set(dirName, reader);
    }
    try {
      this.runs.set(dirName, reader.read());
      return true;
    } catch {
      return false; // not a run, or the trainer is creating its run.json right now
    }
  }

  private forget(dirName: string): void {
    this.runs.delete(dirName);
    this.readers.delete(dirName);
  }

  private emit(ids: readonly string[]): void {
    for (const l of this.listeners) l(ids);
  }
}
