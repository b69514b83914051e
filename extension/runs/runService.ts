// The live view of the runs folder: store + chokidar watcher, created on first use and rebuilt
// when contrastiveLab.runsFolder changes. Publishes changes as a VS Code event and keeps the
// context keys that show or hide commands in the palette.
import * as vscode from 'vscode';
import { RunStore } from './runStore';
import { RunWatcher } from './runWatcher';
import type { RunSummary } from '../../server/runs/reader';
import { isResumable } from './runPresentation';

export class RunService implements vscode.Disposable {
  private store: RunStore | undefined;
  private watcher: RunWatcher | undefined;
  private storeSubscription: { dispose(): void } | undefined;
  private readonly changed = new vscode.EventEmitter<readonly string[]>();
  /** Fires with the folder names of the runs that changed (all of them after a folder switch). */
  readonly onDidChange = this.changed.event;

  constructor(private runsFolder: string | undefined) {}

  /** The runs folder being watched (starting the watcher on first call). */
  get folder(): string | undefined {
    return this.runsFolder;
  }

  list(): RunSummary[] {
    return this.ensure()?.list() ?? [];
  }

  get(dirName: string): RunSummary | undefined {
    return this.ensure()?.get(dirName);
  }

  findById(id: string): RunSummary | undefined {
    return this.ensure()?.findById(id);
  }

  findByPid(pid: number): RunSummary | undefined {
    return this.ensure()?.findByPid(pid);
  }

  refreshAll(): void {
    this.ensure()?.refreshAll();
  }

  refresh(dirName: string): void {
    this.ensure()?.refresh(dirName);
  }

  setFolder(folder: string | undefined): void {
    if (folder === this.runsFolder) return;
    this.stop();
    this.runsFolder = folder;
    this.changed.fire([]);
    this.updateContextKeys();
  }

  private ensure(): RunStore | undefined {
    if (this.store || this.runsFolder === undefined) return this.store;
    const store = new RunStore(this.runsFolder);
    this.store = store;
    this.storeSubscription = store.onDidChange((ids) => {
      this.updateContextKeys();
      this.changed.fire(ids);
    });
    this.watcher = new RunWatcher(store);
    this.updateContextKeys();
    return store;
  }

  private updateContextKeys(): void {
    const runs = this.store?.list() ?? [];
    void vscode.commands.executeCommand('setContext', 'contrastiveLab.hasRuns', runs.length > 0);
    void vscode.commands.executeCommand('setContext', 'contrastiveLab.hasRunningRuns', runs.some((r) => r.status === 'running' || r.status === 'queued'));
    void vscode.commands.executeCommand('setContext', 'contrastiveLab.hasResumableRuns', runs.some(isResumable));
    void vscode.commands.executeCommand('setContext', 'contrastiveLab.hasEmbeddings', runs.some((r) => r.hasEmbeddings));
  }

  private stop(): void {
    this.watcher?.dispose();
    this.storeSubscription?.dispose();
    this.watcher = undefined;
    this.store = undefined;
    this.storeSubscription = undefined;
  }

  dispose(): void {
    this.stop();
    this.changed.dispose();
  }
}
