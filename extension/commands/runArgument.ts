// Commands receive a run as a tree item (context menu), a folder name (status bar, webviews) or
// nothing (command palette: ask). These helpers turn any of them into snapshots.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunService } from '../runs/runService';
import type { RunSummary } from '../../server/runs/reader';
import { formatPercent } from '../runs/runPresentation';
import { RunItem } from '../views/runsTree';

export function runKey(run: RunSummary): string {
  return path.basename(run.dir);
}

function fromArgument(runs: RunService, arg: unknown): RunSummary | undefined {
  if (arg instanceof RunItem) return runs.get(arg.key) ?? arg.run;
  if (typeof arg === 'string') return runs.get(arg) ?? runs.list().find((r) => r.id === arg);
  return undefined;
}

function pickItem(run: RunSummary): vscode.QuickPickItem & { run: RunSummary } {
  const best = run.bestKnnAccuracy !== null ? ` · kNN ${formatPercent(run.bestKnnAccuracy)}` : '';
  return { label: run.name, description: `${run.status}${best}`, detail: run.id, run };
}

/** The run named by the argument, else one the user picks among those `filter` accepts. */
export async function resolveRun(runs: RunService, arg: unknown, placeHolder: string, filter: (r: RunSummary) => boolean = () => true): Promise<RunSummary | undefined> {
  const given = fromArgument(runs, arg);
  if (given) return given;
  const candidates = runs.list().filter(filter);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(`Contrastive Lab: no run fits (${placeHolder.toLowerCase()}). Runs live in ${runs.folder ?? 'the runs folder'}.`);
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(candidates.map(pickItem), { placeHolder, matchOnDetail: true });
  return picked?.run;
}

/** Several runs: the tree's multi-selection, else a multi-select quick pick. */
export async function resolveRuns(runs: RunService, arg: unknown, selection: unknown, placeHolder: string): Promise<RunSummary[]> {
  if (Array.isArray(selection) && selection.length > 1) {
    return selection.map((s) => fromArgument(runs, s)).filter((r): r is RunSummary => r !== undefined);
  }
  const candidates = runs.list();
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('Contrastive Lab: there are no runs to compare yet. Start a run first.');
    return [];
  }
  const given = fromArgument(runs, arg);
  const items = candidates.map((r) => ({ ...pickItem(r), picked: given !== undefined && r.dir === given.dir }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder, canPickMany: true, matchOnDetail: true });
  return picked?.map((p) => p.run) ?? [];
}
