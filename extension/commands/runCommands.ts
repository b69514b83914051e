// Start, stop, resume, delete, reveal and export runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunService } from '../runs/runService';
import type { RunSummary } from '../../server/runs/reader';
import { formatPercent, isActive, isResumable, progressText, runProgress } from '../runs/runPresentation';
import { readSettings } from '../settings';
import type { EngineDecision } from '../trainer/engineChoice';
import { pythonForRun, torchReady } from '../trainer/pythonEngine';
import { exportInvocation, resumeInvocation, trainInvocation, type TrainerEnvironment, type TrainerInvocation } from '../trainer/trainerCommand';
import type { SessionEnd, TrainerSessions } from '../trainer/trainerSessions';
import { resolveRun, runKey } from './runArgument';
import { resolveSpecFile, saveIfDirty } from './specFile';
import { ensureTrusted } from './trust';

export interface RunCommandDeps {
  readonly context: vscode.ExtensionContext;
  readonly runs: RunService;
  readonly sessions: TrainerSessions;
  readonly log: vscode.OutputChannel;
  /** Opens (or focuses) the dashboard of a run without taking focus from the editor. */
  readonly showDashboard: (runKeys: readonly string[], preserveFocus: boolean) => void;
}

const START_TIMEOUT_MS = 60_000;
// Loaded on the first Start Run: it brings the YAML parser, which activation does not need.
const engineChoice = () => import('../trainer/engineChoice');

export class RunCommands {
  constructor(private readonly deps: RunCommandDeps) {}

  register(): vscode.Disposable[] {
    const r = (id: string, fn: (...args: unknown[]) => unknown): vscode.Disposable => vscode.commands.registerCommand(id, fn);
    return [
      r('contrastiveLab.startRun', (arg) => this.startRun(arg)),
      r('contrastiveLab.stopRun', (arg) => this.stopRun(arg)),
      r('contrastiveLab.resumeRun', (arg) => this.resumeRun(arg)),
      r('contrastiveLab.deleteRun', (arg) => this.deleteRun(arg)),
      r('contrastiveLab.revealRunFolder', (arg) => this.revealRunFolder(arg)),
      r('contrastiveLab.exportEmbeddings', (arg) => this.exportEmbeddings(arg)),
      r('contrastiveLab.refreshRuns', () => this.deps.runs.refreshAll()),
      r('contrastiveLab.showTrainerLog', () => this.deps.log.show(true)),
    ];
  }

  environment(runsFolderFallback: string): TrainerEnvironment {
    const settings = readSettings();
    return {
      cliPath: this.deps.context.asAbsolutePath(path.join('dist', 'cli.js')),
      nodePathSetting: settings.nodePath,
      hostExecPath: process.execPath,
      backend: settings.backend,
      runsFolder: settings.runsFolder ?? runsFolderFallback,
    };
  }

  /** Refuses to start when maxConcurrentRuns trainers already run; says which setting to change. */
  private underConcurrencyLimit(): boolean {
    const { maxConcurrentRuns } = readSettings();
    const running = this.deps.runs.list().filter(isActive).length;
    const busy = Math.max(running, this.deps.sessions.active.length);
    if (busy < maxConcurrentRuns) return true;
    void vscode.window.showWarningMessage(
      `Contrastive Lab: ${busy} run${busy === 1 ? ' is' : 's are'} already training and contrastiveLab.maxConcurrentRuns is ${maxConcurrentRuns}. Stop a run or raise the setting.`,
    );
    return false;
  }

  async startRun(arg: unknown): Promise<void> {
    if (!(await ensureTrusted('start a training run'))) return;
    const spec = await resolveSpecFile(arg);
    if (!spec) return;
    if (spec.scheme !== 'file') {
      void vscode.window.showErrorMessage(`Contrastive Lab: ${spec.toString()} is not a file on disk; save the spec to a file first.`);
      return;
    }
    if (!this.underConcurrencyLimit()) return;
    await saveIfDirty(spec);
    const text = await fs.promises.readFile(spec.fsPath, 'utf8').catch(() => undefined);
    // Unreadable: no engine to check; the CLI reports the problem.
    const engine: EngineDecision = text === undefined ? { engine: undefined, flag: undefined } : (await engineChoice()).decideEngine(text, readSettings().engine);
    const python = await this.pythonFor(engine.engine === 'pytorch', spec);
    if (python === false) return;
    const env = { ...this.environment(path.join(path.dirname(spec.fsPath), 'runs')), ...python };
    this.deps.runs.setFolder(env.runsFolder);
    await this.launch(trainInvocation(env, spec.fsPath, engine.flag), path.basename(spec.fsPath).replace(/\.contrastive\.(ya?ml|json)$/, ''));
  }

  /**
   * For a PyTorch run: the interpreter to pass on ({} = the CLI's own lookup), or false when it has
   * no usable torch (the user was shown how to install it). Nothing for the tfjs engine.
   */
  private async pythonFor(pytorch: boolean, resource: vscode.Uri): Promise<{ python?: string } | false> {
    if (!pytorch) return {};
    const log = (line: string): void => this.deps.log.appendLine(line);
    const python = await pythonForRun(readSettings().pythonPath, resource, log);
    if (!(await torchReady(python, log))) return false;
    return python !== undefined ? { python } : {};
  }

  async resumeRun(arg: unknown): Promise<void> {
    if (!(await ensureTrusted('resume a run'))) return;
    const run = await resolveRun(this.deps.runs, arg, 'Which run should resume?', isResumable);
    if (!run) return;
    if (!isResumable(run)) {
      void vscode.window.showWarningMessage(`Contrastive Lab: run "${run.name}" is ${run.status}${run.record.lastCheckpoint === null ? ' and has no checkpoint yet' : ''}; only stopped, interrupted or failed runs with a checkpoint can resume.`);
      return;
    }
    if (!this.underConcurrencyLimit()) return;
    // A run resumes on the engine it recorded.
    const python = await this.pythonFor(run.record.engine === 'pytorch', vscode.Uri.file(run.dir));
    if (python === false) return;
    await this.launch(resumeInvocation({ ...this.environment(path.dirname(run.dir)), ...python }, run.dir), run.name);
  }

  /** Spawns the trainer and follows it with a cancellable progress notification until it exits. */
  private async launch(invocation: TrainerInvocation, label: string): Promise<void> {
    const session = this.deps.sessions.start(invocation, label);
    let run: RunSummary | undefined;
    let dashboardShown = false;
    // By the run id the trainer streams (a PyTorch run's run.json names the engine's pid, not the CLI's), else by pid.
    const findRun = (): RunSummary | undefined => (session.runId !== undefined ? this.deps.runs.findById(session.runId) : undefined) ?? (session.pid !== undefined ? this.deps.runs.findByPid(session.pid) : undefined);
    const end = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Contrastive Lab: training ${label}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => {
          progress.report({ message: 'stopping after the current step…' });
          session.stop();
        });
        let reported = 0;
        const update = (): void => {
          run = findRun() ?? run;
          if (!run) return;
          if (!dashboardShown) {
            dashboardShown = true;
            this.deps.showDashboard([runKey(run)], true);
          }
          const fraction = runProgress(run);
          const increment = fraction !== undefined ? Math.max(0, fraction * 100 - reported) : undefined;
          if (increment !== undefined) reported += increment;
          progress.report({ message: progressText(run) || run.status, increment });
        };
        const subscription = this.deps.runs.onDidChange(update);
        const timeout = setTimeout(() => {
          if (!findRun()) this.deps.log.appendLine(`[${label}] no run directory appeared within ${START_TIMEOUT_MS / 1000} s; is the runs folder ${this.deps.runs.folder} writable?`);
        }, START_TIMEOUT_MS);
        try {
          update();
          return await session.ended;
        } finally {
          clearTimeout(timeout);
          subscription.dispose();
        }
      },
    );
    if (session.pid !== undefined && !run) run = findRun();
    if (run) this.deps.runs.refresh(runKey(run));
    await this.reportEnd(label, end, run ? this.deps.runs.get(runKey(run)) : undefined);
  }

  private async reportEnd(label: string, end: SessionEnd, run: RunSummary | undefined): Promise<void> {
    const showLog = 'Show Trainer Log';
    const openDashboard = 'Open Dashboard';
    if (end.code === 0 && run?.status === 'completed') {
      const best = run.bestKnnAccuracy !== null ? `: best kNN accuracy ${formatPercent(run.bestKnnAccuracy)}` : '';
      const choice = await vscode.window.showInformationMessage(`Contrastive Lab: run "${run.name}" completed${best}.`, openDashboard);
      if (choice === openDashboard) this.deps.showDashboard([runKey(run)], false);
      return;
    }
    if (end.code === 0 && run?.status === 'stopped') {
      void vscode.window.showInformationMessage(`Contrastive Lab: run "${run.name}" stopped at ${progressText(run) || 'its last step'}; a checkpoint was saved, so Resume Run continues it.`);
      return;
    }
    if (end.code === 0 && !run) return; // e.g. the spec had problems; the trainer printed them to the log
    if (run?.status === 'interrupted') {
      // Killed from outside (kill -9, the OOM killer): not a failure of the run; its checkpoints stand.
      const resume = 'Resume Run';
      const choice = await vscode.window.showWarningMessage(`Contrastive Lab: run "${run.name}" was interrupted at ${progressText(run) || `step ${run.record.step}`} (its process was killed); Resume Run continues it from its last checkpoint.`, resume, showLog);
      if (choice === resume) await this.resumeRun(runKey(run));
      else if (choice === showLog) this.deps.log.show(true);
      return;
    }
    const recorded = run?.record.error ? `${run.record.error.message}${run.record.error.where ? ` (at ${run.record.error.where})` : ''}` : undefined;
    const printed = end.outputTail.filter((l) => l.trim().length > 0).slice(-3).join(' ');
    const reason = recorded ?? (printed || `the trainer exited with ${end.signal ?? `code ${end.code}`}`);
    const choice = await vscode.window.showErrorMessage(`Contrastive Lab: training ${run?.name ?? label} failed: ${reason}`, showLog);
    if (choice === showLog) this.deps.log.show(true);
  }

  private async stopRun(arg: unknown): Promise<void> {
    const run = await resolveRun(this.deps.runs, arg, 'Which run should stop?', isActive);
    if (!run) return;
    const pid = run.record.pid;
    if (!isActive(run) || pid === null) {
      void vscode.window.showInformationMessage(`Contrastive Lab: run "${run.name}" is not running (${run.status}).`);
      return;
    }
    const session = this.deps.sessions.active.find((s) => s.pid === pid || s.runId === run.record.id);
    try {
      if (session) session.stop();
      else process.kill(pid, 'SIGTERM'); // a run started from the CLI or before a window reload
      this.deps.log.appendLine(`[${run.name}] stop requested (SIGTERM to pid ${pid}); the trainer finishes the step and saves a checkpoint`);
    } catch (e) {
      void vscode.window.showErrorMessage(`Contrastive Lab: could not stop run "${run.name}" (pid ${pid}): ${(e as Error).message}`);
    }
  }

  private async deleteRun(arg: unknown): Promise<void> {
    const run = await resolveRun(this.deps.runs, arg, 'Which run should be deleted?', (r) => !isActive(r));
    if (!run) return;
    if (isActive(run)) {
      void vscode.window.showWarningMessage(`Contrastive Lab: run "${run.name}" is still training; stop it before deleting it.`);
      return;
    }
    const remove = 'Delete';
    const choice = await vscode.window.showWarningMessage(`Delete run "${run.name}" and its folder ${run.dir}? Metrics, checkpoints and embeddings are removed for good.`, { modal: true }, remove);
    if (choice !== remove) return;
    try {
      await fs.promises.rm(run.dir, { recursive: true, force: true });
    } catch (e) {
      void vscode.window.showErrorMessage(`Contrastive Lab: could not delete ${run.dir}: ${(e as Error).message}`);
    }
    this.deps.runs.refreshAll();
  }

  private async revealRunFolder(arg: unknown): Promise<void> {
    const run = await resolveRun(this.deps.runs, arg, 'Which run folder should be revealed?');
    if (!run) return;
    await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(run.dir));
  }

  private async exportEmbeddings(arg: unknown): Promise<void> {
    if (!(await ensureTrusted('export embeddings'))) return;
    const run = await resolveRun(this.deps.runs, arg, 'Export the embeddings of which run?', (r) => r.hasEmbeddings);
    if (!run) return;
    if (!run.hasEmbeddings) {
      void vscode.window.showWarningMessage(`Contrastive Lab: run "${run.name}" has no embeddings yet; they are written when a run completes.`);
      return;
    }
    const target = await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
      defaultUri: vscode.Uri.file(path.join(run.dir, 'export')),
      openLabel: 'Export here',
      title: 'Folder for the TensorBoard projector files (tensors.tsv, metadata.tsv, sprite.png)',
    });
    const outDir = target?.[0]?.fsPath;
    if (!outDir) return;
    const session = this.deps.sessions.start(exportInvocation(this.environment(path.dirname(run.dir)), run.dir, outDir), `${run.name} export`);
    const end = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Contrastive Lab: exporting ${run.name}` }, () => session.ended);
    if (end.code === 0) {
      const reveal = 'Reveal';
      const choice = await vscode.window.showInformationMessage(`Contrastive Lab: exported the embeddings of "${run.name}" to ${outDir} (TensorBoard projector layout).`, reveal);
      if (choice === reveal) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(outDir));
    } else {
      void vscode.window.showErrorMessage(`Contrastive Lab: export failed: ${end.outputTail.slice(-3).join(' ') || `exit code ${end.code}`}`);
    }
  }
}
