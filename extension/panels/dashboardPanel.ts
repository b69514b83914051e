// Host side of the dashboard: one panel showing the curves of one or more runs. It streams each
// run's metrics.jsonl to the page incrementally (appends while training, a reset when a resumed
// run rewrote the file) and sends the spec differences between the runs shown.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunStatus as ProtocolRunStatus, DashboardToHost, EvalPoint, HostToDashboard, RunDescriptor, TrainPoint } from '../../webview/protocol';
import { parseDashboardMessage, parsePanelState } from '../../webview/protocol';
import type { EvalMetric, StepMetric } from '../../server/runs/format';
import { runPaths } from '../../server/runs/paths';
import { MetricsTail, type RunSummary } from '../../server/runs/reader';
import type { RunService } from '../runs/runService';
import { MessageHandlers, PanelHost } from './panelHost';
import { confine, webviewOptions } from './webviewPage';
import { specDifferences } from './specDiff';
import { DASHBOARD_VIEW_TYPE } from './viewTypes';


export interface PanelHooks {
  readonly extensionUri: vscode.Uri;
  readonly runs: RunService;
  readonly log: (line: string) => void;
  readonly openGallery: (runKey: string, query: number | undefined) => void;
  readonly openMap: (runKey: string) => void;
}

/** The page knows five statuses; an interrupted run shows as stopped (it can be resumed). */
function protocolStatus(run: RunSummary): ProtocolRunStatus {
  return run.status === 'interrupted' ? 'stopped' : run.status;
}

function readSpec(run: RunSummary): unknown {
  try {
    return JSON.parse(fs.readFileSync(runPaths(run.dir).specJson, 'utf8'));
  } catch {
    return undefined;
  }
}

export class DashboardPanel extends PanelHost<HostToDashboard, DashboardToHost> {
  private static current: DashboardPanel | undefined;
  private runKeys: string[] = [];
  private followers = new Map<string, MetricsTail>();
  protected readonly handlers: MessageHandlers<DashboardToHost> = {
    openGallery: (message) => {
      if (this.runKeys.includes(message.runId)) this.hooks.openGallery(message.runId, undefined);
    },
    openMap: (message) => {
      if (this.runKeys.includes(message.runId)) this.hooks.openMap(message.runId);
    },
  };

  /** Shows these runs in the dashboard, creating the panel or reusing the open one. */
  static show(hooks: PanelHooks, runKeys: readonly string[], preserveFocus: boolean): void {
    if (DashboardPanel.current) {
      DashboardPanel.current.setRuns(runKeys);
      DashboardPanel.current.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Contrastive Lab: Dashboard', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, webviewOptions(hooks.extensionUri, hooks.runs.folder));
    DashboardPanel.current = new DashboardPanel(panel, hooks, runKeys);
  }

  /** Re-creates the dashboard VS Code restored after a window reload, from its saved state. */
  static revive(panel: vscode.WebviewPanel, hooks: PanelHooks, state: unknown): void {
    const parsed = parsePanelState('dashboard', state);
    const runKeys = parsed.ok ? parsed.value.runIds : [];
    confine(panel.webview, hooks.extensionUri, hooks.runs.folder);
    DashboardPanel.current?.panel.dispose();
    DashboardPanel.current = new DashboardPanel(panel, hooks, runKeys);
  }

  private constructor(panel: vscode.WebviewPanel, private readonly hooks: PanelHooks, runKeys: readonly string[]) {
    super(panel, { kind: 'dashboard', title: 'Contrastive Lab: Dashboard', extensionUri: hooks.extensionUri, parse: parseDashboardMessage, log: hooks.log, exportFolder: () => hooks.runs.folder });
    this.disposables.add(hooks.runs.onDidChange((keys) => this.onRunsChanged(keys)));
    this.setRuns(runKeys);
    this.load();
  }

  private setRuns(runKeys: readonly string[]): void {
    this.runKeys = [...new Set(runKeys)];
    this.followers = new Map(this.runKeys.map((k) => [k, new MetricsTail(runPaths(path.join(this.hooks.runs.folder ?? '', k)).metrics)]));
    const names = this.runKeys.map((k) => this.hooks.runs.get(k)?.name ?? k);
    this.panel.title = names.length === 1 ? `Dashboard: ${names[0]}` : `Dashboard: ${names.length} runs`;
    if (this.ready) this.sendEverything();
  }

  protected onReady(): void {
    this.sendEverything();
  }

  private descriptors(): RunDescriptor[] {
    return this.runKeys.map((key) => {
      const run = this.hooks.runs.get(key);
      return { id: key, name: run?.name ?? key, status: run ? protocolStatus(run) : 'failed' };
    });
  }

  /** The full state: run list, every run's whole series (re-read from the start), spec differences. */
  private sendEverything(): void {
    this.post({ type: 'runs', runs: this.descriptors() });
    for (const key of this.runKeys) {
      const follower = new MetricsTail(runPaths(path.join(this.hooks.runs.folder ?? '', key)).metrics);
      this.followers.set(key, follower);
      this.sendMetrics(key, follower, true);
    }
    const specs = new Map<string, unknown>();
    for (const key of this.runKeys) {
      const run = this.hooks.runs.get(key);
      if (run) specs.set(key, readSpec(run));
    }
    this.post({ type: 'specDiff', rows: specDifferences(specs) });
  }

  private sendMetrics(key: string, follower: MetricsTail, reset: boolean): void {
    const read = follower.readNew();
    if (read.lines.length === 0 && !reset && !read.reset) return;
    const train: TrainPoint[] = [];
    const evals: EvalPoint[] = [];
    for (const line of read.lines) {
      if (line.kind === 'step') train.push(stepPoint(line));
      else evals.push(evalPoint(line));
    }
    this.post({ type: 'metrics', runId: key, reset: reset || read.reset, train, eval: evals });
  }

  private onRunsChanged(changed: readonly string[]): void {
    if (!this.ready) return;
    const shown = changed.filter((k) => this.runKeys.includes(k));
    if (shown.length === 0) return;
    this.post({ type: 'runs', runs: this.descriptors() });
    for (const key of shown) {
      const follower = this.followers.get(key);
      if (follower) this.sendMetrics(key, follower, false);
    }
  }

  protected onClose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
  }
}

function stepPoint(line: StepMetric): TrainPoint {
  return { step: line.step, epoch: line.epoch, time: line.time, loss: line.loss, lr: line.lr, samplesPerSec: line.samplesPerSec };
}

function evalPoint(line: EvalMetric): EvalPoint {
  return {
    step: line.step, epoch: line.epoch, time: line.time,
    knnAccuracy: line.knnAccuracy, linearProbeAccuracy: line.linearProbeAccuracy, classifierAccuracy: line.classifierAccuracy ?? null, precisionAt1: line.precisionAt1,
    recallAtK: line.recallAtK, mapAtR: line.mapAtR, collapseStd: line.collapseStd, collapseHealthyStd: line.collapseHealthyStd,
    fewShot: line.fewShot, labelEfficiency: line.labelEfficiency,
    zeroShotAccuracy: line.zeroShotAccuracy ?? null, crossModalRecallAtK: line.crossModalRecallAtK ?? null,
  };
}
