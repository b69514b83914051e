// Host side of the experiments table: keeps one row per run of the runs folder current (the
// RunService's watcher says which runs changed; RunEntries re-reads only what they appended),
// applies the user's layout (kept in workspaceState) and posts the table; writes stars, notes
// and tags to the runs' annotations.json; opens specs and dashboards, reveals, re-runs (as they
// were, or edited: experimentsRerun.ts) and deletes runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { updateAnnotations } from '../../server/runs/annotations';
import { runPaths } from '../../server/runs/paths';
import type { RunSummary } from '../../server/runs/reader';
import type { TableRow } from '../../server/runs/table/columns';
import { RunEntries } from '../../server/runs/table/entries';
import { checkLayout, DEFAULT_LAYOUT, parseExperimentsMessage, type ExperimentsToHost, type HostToExperiments, type TableLayout } from '../../webview/experiments/protocol';
import { isActive, isResumable } from '../runs/runPresentation';
import type { RunService } from '../runs/runService';
import { readJsonObject } from '../../server/shared/files';
import { editAndRun, rerunRuns } from './experimentsRerun';
import { layoutView, tableCsv, tableMessage } from './experimentsTable';
import { MessageHandlers, PanelHost } from './panelHost';
import { specDifferences } from './specDiff';
import { EXPERIMENTS_VIEW_TYPE } from './viewTypes';
import { confine, saveExport, webviewOptions } from './webviewPage';

const LAYOUT_KEY = 'contrastiveLab.experiments.layout';
/** Live updates are batched: a training run changes its metrics many times a second. */
const UPDATE_MS = 400;

export interface ExperimentsHooks {
  readonly extensionUri: vscode.Uri;
  readonly runs: RunService;
  readonly log: (line: string) => void;
  /** Where the layout is kept (the extension's workspaceState: per workspace). */
  readonly workspaceState: vscode.Memento;
  readonly showDashboard: (runKeys: readonly string[]) => Promise<void>;
}

const keyOf = (run: RunSummary): string => path.basename(run.dir);

export class ExperimentsPanel extends PanelHost<HostToExperiments, ExperimentsToHost> {
  private static current: ExperimentsPanel | undefined;
  private readonly entries: RunEntries;
  private readonly rows = new Map<string, TableRow>();
  private layout: TableLayout;
  private timer: NodeJS.Timeout | undefined;
  /** Runs changed since the last send, read once when the batch is sent. */
  private readonly pending = new Set<string>();
  private stale = false;
  protected readonly handlers: MessageHandlers<ExperimentsToHost> = {
    setLayout: (m) => void this.setLayout(m.layout),
    annotate: (m) => this.annotate(m.runKey, { star: m.star, notes: m.notes, tags: m.tags }),
    openSpec: (m) => void this.openSpec(m.runKey),
    openDashboard: (m) => void this.hooks.showDashboard(m.runKeys.filter((k) => this.rows.has(k))),
    reveal: (m) => void vscode.commands.executeCommand('contrastiveLab.revealRunFolder', m.runKey),
    resume: (m) => void vscode.commands.executeCommand('contrastiveLab.resumeRun', m.runKey),
    stop: (m) => void vscode.commands.executeCommand('contrastiveLab.stopRun', m.runKey),
    delete: (m) => void this.deleteRuns(m.runKeys),
    rerun: (m) => void rerunRuns(m.runKeys.flatMap((k) => this.hooks.runs.get(k) ?? [])),
    editAndRun: (m) => this.editAndRun(m.runKey),
    compareSpecs: (m) => void this.compareSpecs(m.runKeys),
    exportTable: () => void saveExport('runs.csv', Buffer.from(tableCsv(this.orderedRows(), this.layout), 'utf8'), this.hooks.runs.folder, this.hooks.log),
  };

  static show(hooks: ExperimentsHooks): void {
    if (ExperimentsPanel.current) {
      ExperimentsPanel.current.panel.reveal(undefined, false);
      return;
    }
    const panel = vscode.window.createWebviewPanel(EXPERIMENTS_VIEW_TYPE, 'Experiments', vscode.ViewColumn.Active, webviewOptions(hooks.extensionUri, hooks.runs.folder));
    ExperimentsPanel.current = new ExperimentsPanel(panel, hooks);
  }

  static revive(panel: vscode.WebviewPanel, hooks: ExperimentsHooks): void {
    confine(panel.webview, hooks.extensionUri, hooks.runs.folder);
    ExperimentsPanel.current?.panel.dispose();
    ExperimentsPanel.current = new ExperimentsPanel(panel, hooks);
  }

  private constructor(panel: vscode.WebviewPanel, private readonly hooks: ExperimentsHooks) {
    super(panel, { kind: 'experiments', title: 'Contrastive Lab: Experiments', extensionUri: hooks.extensionUri, parse: parseExperimentsMessage, log: hooks.log, exportFolder: () => hooks.runs.folder });
    const stored = hooks.workspaceState.get<unknown>(LAYOUT_KEY);
    this.layout = stored !== undefined && checkLayout(stored) === null ? (stored as TableLayout) : DEFAULT_LAYOUT;
    this.entries = new RunEntries((message) => hooks.log(`experiments table: ${message}`));
    this.disposables.add(hooks.runs.onDidChange((keys) => this.onRunsChanged(keys)));
    this.disposables.add({ dispose: () => clearTimeout(this.timer) });
    this.load();
  }

  protected onReady(): void {
    this.readAll();
    this.send();
  }

  protected onClose(): void {
    if (ExperimentsPanel.current === this) ExperimentsPanel.current = undefined;
  }

  /** Every run of the folder, newest first (the order before any sort). */
  private orderedRows(): TableRow[] {
    return this.hooks.runs.list().flatMap((run) => this.rows.get(keyOf(run)) ?? []);
  }

  private readAll(): void {
    this.stale = false;
    this.pending.clear();
    const present = new Set<string>();
    for (const run of this.hooks.runs.list()) {
      present.add(keyOf(run));
      this.rows.set(keyOf(run), this.entries.row(keyOf(run), run));
    }
    for (const [key, row] of this.rows) {
      if (present.has(key)) continue;
      this.rows.delete(key);
      this.entries.forget(row.dir);
    }
  }

  private read(key: string): void {
    const run = this.hooks.runs.get(key);
    const old = this.rows.get(key);
    if (run !== undefined) this.rows.set(key, this.entries.row(key, run));
    else if (old !== undefined) {
      this.rows.delete(key);
      this.entries.forget(old.dir);
    }
  }

  private onRunsChanged(keys: readonly string[]): void {
    // An empty list means the runs folder itself changed: everything is read again.
    if (keys.length === 0) this.stale = true;
    else for (const key of keys) this.pending.add(key);
    if (this.timer !== undefined || !this.ready) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stale) this.readAll();
      for (const key of this.pending) this.read(key);
      this.pending.clear();
      this.send();
    }, UPDATE_MS);
  }

  private send(): void {
    if (!this.ready) return;
    const actions = (key: string): { canResume: boolean; canStop: boolean } => {
      const run = this.hooks.runs.get(key);
      return { canResume: run !== undefined && isResumable(run), canStop: run !== undefined && isActive(run) };
    };
    this.post(tableMessage(this.orderedRows(), this.layout, this.hooks.runs.folder, actions));
  }

  private async setLayout(layout: TableLayout): Promise<void> {
    this.layout = layout;
    this.send();
    await this.hooks.workspaceState.update(LAYOUT_KEY, layout);
  }

  private annotate(key: string, change: { star: boolean; notes: string; tags: readonly string[] }): void {
    const run = this.hooks.runs.get(key);
    if (run === undefined) return;
    try {
      updateAnnotations(run.dir, change);
    } catch (e) {
      void vscode.window.showErrorMessage(`Contrastive Lab: could not save the star, notes and tags of "${run.name}": ${(e as Error).message}`);
    }
    this.read(key);
    this.send();
  }

  /**
   * The specs the runs trained (spec.json): two side by side in VS Code's diff editor; more as a
   * table of the paths that differ, one column per run, in the page.
   */
  private async compareSpecs(keys: readonly string[]): Promise<void> {
    const runs = keys.flatMap((k) => this.hooks.runs.get(k) ?? []);
    const specs = new Map<string, unknown>();
    const missing: string[] = [];
    for (const run of runs) {
      try {
        specs.set(keyOf(run), readJsonObject<unknown>(runPaths(run.dir).specJson, 'resolved spec'));
      } catch (e) {
        missing.push(`"${run.name}": ${(e as Error).message}`);
      }
    }
    if (missing.length > 0) void vscode.window.showWarningMessage(`Contrastive Lab: left out of the comparison (no readable spec.json): ${missing.join('; ')}`);
    const compared = runs.filter((r) => specs.has(keyOf(r)));
    if (compared.length < 2) {
      void vscode.window.showInformationMessage('Contrastive Lab: select at least two runs with a spec.json to compare their specs.');
      return;
    }
    if (compared.length === 2) {
      const [a, b] = compared as [RunSummary, RunSummary];
      await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(runPaths(a.dir).specJson), vscode.Uri.file(runPaths(b.dir).specJson), `${a.name} ↔ ${b.name} (spec.json)`, { preview: false });
      return;
    }
    this.post({ type: 'specDiff', runs: compared.map((r) => ({ key: keyOf(r), name: r.name })), rows: specDifferences(specs) });
  }

  /** The parameters that differ between the shown runs come first in the list of what to change. */
  private editAndRun(key: string): void {
    const run = this.hooks.runs.get(key);
    if (run === undefined) return;
    const differing = layoutView(this.orderedRows(), this.layout).view.available.filter((c) => c.kind === 'param' && c.changed).map((c) => c.key);
    void editAndRun(run, differing);
  }

  /** The spec file the run was started from; when it is gone, the resolved spec it trained (spec.json). */
  private async openSpec(key: string): Promise<void> {
    const run = this.hooks.runs.get(key);
    if (run === undefined) return;
    const source = run.record.specPath;
    // An edited copy (Edit and Run) trained values its spec file does not hold.
    const origin = run.record.origin;
    const edited = origin !== undefined && Object.keys(origin.changes).length > 0;
    const file = !edited && source !== '' && fs.existsSync(source) ? source : runPaths(run.dir).specJson;
    if (edited) void vscode.window.showInformationMessage(`Contrastive Lab: "${run.name}" is an edited copy of run ${origin.run} (${Object.keys(origin.changes).join(', ')}); showing the spec it trained (spec.json).`);
    else if (file !== source) void vscode.window.showInformationMessage(`Contrastive Lab: ${source || 'the spec file'} no longer exists; showing the resolved spec run "${run.name}" trained (spec.json).`);
    try {
      await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
    } catch (e) {
      void vscode.window.showErrorMessage(`Contrastive Lab: could not open ${file}: ${(e as Error).message}`);
    }
  }

  private async deleteRuns(keys: readonly string[]): Promise<void> {
    const runs = keys.flatMap((k) => this.hooks.runs.get(k) ?? []);
    if (runs.length === 0) return;
    const training = runs.filter(isActive);
    if (training.length > 0) {
      void vscode.window.showWarningMessage(`Contrastive Lab: ${training.map((r) => `"${r.name}"`).join(', ')} ${training.length === 1 ? 'is' : 'are'} still training; stop ${training.length === 1 ? 'it' : 'them'} before deleting.`);
      return;
    }
    const names = runs.length === 1 ? `run "${runs[0]!.name}"` : `${runs.length} runs (${runs.slice(0, 5).map((r) => r.name).join(', ')}${runs.length > 5 ? ', …' : ''})`;
    const choice = await vscode.window.showWarningMessage(`Move ${names} to the trash? Their metrics, checkpoints, embeddings and notes go with ${runs.length === 1 ? 'it' : 'them'}.`, { modal: true }, 'Move to Trash');
    if (choice !== 'Move to Trash') return;
    for (const run of runs) {
      try {
        await vscode.workspace.fs.delete(vscode.Uri.file(run.dir), { recursive: true, useTrash: true });
      } catch (e) {
        void vscode.window.showErrorMessage(`Contrastive Lab: could not move ${run.dir} to the trash: ${(e as Error).message}`);
      }
    }
    this.hooks.runs.refreshAll();
  }
}
