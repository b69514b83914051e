// The Runs tree in the Contrastive Lab activity-bar container: one item per run directory.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunService } from '../runs/runService';
import type { RunSummary } from '../../server/runs/reader';
import { presentRun } from '../runs/runPresentation';

export class RunItem extends vscode.TreeItem {
  constructor(readonly run: RunSummary) {
    const look = presentRun(run);
    super(look.label, vscode.TreeItemCollapsibleState.None);
    this.id = run.dir;
    this.description = look.description;
    this.tooltip = look.tooltip;
    this.contextValue = look.contextValue;
    this.iconPath = new vscode.ThemeIcon(look.icon, look.iconColor ? new vscode.ThemeColor(look.iconColor) : undefined);
    this.resourceUri = vscode.Uri.file(run.dir);
    this.command = { command: 'contrastiveLab.openDashboard', title: 'Open Dashboard', arguments: [this] };
  }

  /** The run's folder name, the key commands use. */
  get key(): string {
    return path.basename(this.run.dir);
  }
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly runs: RunService) {
    this.subscription = runs.onDidChange(() => this.changed.fire(undefined));
  }

  getTreeItem(item: RunItem): vscode.TreeItem {
    return item;
  }

  getChildren(item?: RunItem): RunItem[] {
    return item ? [] : this.runs.list().map((r) => new RunItem(r));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
