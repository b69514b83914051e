// The status-bar entry that opens the experiments table, with how many runs train and wait in the
// run queue ("$(table) 1 running · 3 queued"), or how many runs there are when none does.
import * as vscode from 'vscode';
import { tableStatus } from '../runs/runPresentation';
import type { RunService } from '../runs/runService';

export class TableStatusBar implements vscode.Disposable {
  // Just right of the progress item (priority 10), which names the run training.
  private readonly item = vscode.window.createStatusBarItem('contrastiveLab.experiments', vscode.StatusBarAlignment.Left, 9);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly runs: RunService) {
    this.item.name = 'Contrastive Lab: experiments table';
    this.item.command = 'contrastiveLab.openExperiments';
    this.subscription = runs.onDidChange(() => this.update());
    this.update();
  }

  update(): void {
    const status = tableStatus(this.runs.list());
    if (status === undefined) {
      this.item.hide();
      return;
    }
    this.item.text = status.text;
    this.item.tooltip = status.tooltip;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
