// Watches the runs folder with chokidar and tells the store which run directories changed.
// Changes are batched per run (a training step touches metrics.jsonl many times a second).
// When the runs folder does not exist yet, its parent is watched until it appears.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { RunStore } from './runStore';

const BATCH_MS = 150;
/** How often runs marked running are re-checked for a dead trainer (killed without updating run.json). */
const LIVENESS_MS = 5000;

/** chokidar (and its dependencies) load with the first watcher, not when the extension activates. */
function chokidar(): typeof import('chokidar') {
  return require('chokidar') as typeof import('chokidar');
}

export class RunWatcher {
  private watcher: FSWatcher | undefined;
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly liveness: NodeJS.Timeout;
  private disposed = false;

  constructor(private readonly store: RunStore) {
    this.store.refreshAll();
    this.start();
    this.liveness = setInterval(() => {
      for (const run of this.store.list()) if (run.status === 'running' || run.status === 'queued') this.store.refresh(path.basename(run.dir));
    }, LIVENESS_MS);
  }

  private start(): void {
    const folder = this.store.runsFolder;
    if (fs.existsSync(folder)) {
      this.watcher = chokidar().watch(folder, { ignoreInitial: true, depth: 2, persistent: true });
      this.watcher.on('all', (_event, file) => this.schedule(file));
      // Catch up with whatever changed while the initial scan ran (e.g. a run that just created the folder).
      this.watcher.on('ready', () => {
        if (!this.disposed) this.store.refreshAll();
      });
      return;
    }
    // Wait for the runs folder to be created (by the first run), then watch it instead.
    const parent = path.dirname(folder);
    if (!fs.existsSync(parent)) return;
    this.watcher = chokidar().watch(parent, { ignoreInitial: true, depth: 0, persistent: true });
    this.watcher.on('addDir', (dir) => {
      if (path.resolve(dir) !== path.resolve(folder) || this.disposed) return;
      void this.watcher?.close();
      this.store.refreshAll();
      this.start();
    });
  }

  private schedule(file: string): void {
    const relative = path.relative(this.store.runsFolder, file);
    const dirName = relative.split(path.sep)[0];
    if (!dirName || dirName.startsWith('..')) return;
    this.pending.add(dirName);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const ids = [...this.pending];
      this.pending.clear();
      for (const id of ids) this.store.refresh(id);
    }, BATCH_MS);
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.liveness);
    if (this.timer) clearTimeout(this.timer);
    void this.watcher?.close();
  }
}
