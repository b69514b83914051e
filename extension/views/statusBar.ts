// The status-bar item showing the running run's progress ("$(sync~spin) digits-simclr 40% · epoch 2/5 · loss 1.23").
// Hidden when nothing runs; clicking it opens that run's dashboard.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunService } from '../runs/runService';
import { formatPercent, isActive, progressText, runProgress } from '../runs/runPresentation';

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('contrastiveLab.progress', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly runs: RunService) {
    this.item.name = 'Contrastive Lab: run progress';
    this.subscription = runs.onDidChange(() => this.update());
    this.update();
  }

  update(): void {
    const running = this.runs.list().filter(isActive);
    if (running.length === 0) {
      this.item.hide();
      return;
    }
    const run = running[0];
    const progress = runProgress(run);
    const more = running.length > 1 ? ` (+${running.length - 1} more)` : '';
    const detail = progressText(run);
    this.item.text = `$(sync~spin) ${run.name}${progress !== undefined ? ` ${formatPercent(progress)}` : ''}${detail ? ` · ${detail}` : ''}${more}`;
    this.item.tooltip = `Contrastive Lab: ${run.name} is training. Click to open its dashboard.`;
    this.item.command = { command: 'contrastiveLab.openDashboard', title: 'Open Dashboard', arguments: [path.basename(run.dir)] };
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
