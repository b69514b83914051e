// Run Sweep, Start Queue and Stop Queue: the CLI's `sweep` and `queue start|stop` on the workspace's
// runs folder. The queue runs as one background CLI process (its log in the output channel); the
// runs it starts are ordinary run folders, so the Runs view shows them queued, then running.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readQueue, runnerAlive } from '../../server/runs/queue/queueFile';
import { cliInvocation, type TrainerEnvironment, type TrainerInvocation } from '../trainer/trainerCommand';
import { resolveSpecFile, saveIfDirty } from './specFile';
import { ensureTrusted } from './trust';

export interface QueueCommandDeps {
  readonly log: vscode.OutputChannel;
  /** The CLI's runtime and the runs folder (contrastiveLab.runsFolder, else `fallback`). */
  readonly environment: (fallback: string) => TrainerEnvironment;
  /** The runs folder the Runs view shows, when there is one. */
  readonly runsFolder: () => string | undefined;
  readonly refreshRuns: () => void;
}

export class QueueCommands {
  private runner: ChildProcess | undefined;

  constructor(private readonly deps: QueueCommandDeps) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('contrastiveLab.runSweep', (arg: unknown) => this.runSweep(arg)),
      vscode.commands.registerCommand('contrastiveLab.startQueue', () => this.startQueue()),
      vscode.commands.registerCommand('contrastiveLab.stopQueue', () => this.stopQueue()),
      { dispose: () => this.runner?.kill('SIGTERM') },
    ];
  }

  private environment(specFolder?: string): TrainerEnvironment {
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return this.deps.environment(this.deps.runsFolder() ?? path.join(specFolder ?? workspace ?? process.cwd(), 'runs'));
  }

  /** Runs a CLI command to its end; its output goes to the log. Resolves to the exit code and the last output line. */
  private run(invocation: TrainerInvocation): Promise<{ code: number | null; last: string }> {
    return new Promise((resolve) => {
      const child = spawn(invocation.command, [...invocation.args], { cwd: invocation.cwd, env: { ...process.env, ...invocation.env } });
      let last = '';
      const take = (chunk: Buffer): void => {
        const text = chunk.toString('utf8');
        this.deps.log.append(text);
        last = text.trim().split('\n').pop() ?? last;
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      child.on('error', (e) => resolve({ code: null, last: e.message }));
      child.on('exit', (code) => resolve({ code, last }));
    });
  }

  async runSweep(arg: unknown): Promise<void> {
    if (!(await ensureTrusted('run a sweep'))) return;
    const spec = await resolveSpecFile(arg);
    if (!spec) return;
    await saveIfDirty(spec);
    const env = this.environment(path.dirname(spec.fsPath));
    this.deps.log.appendLine(`> contrastive-lab sweep ${spec.fsPath} --out ${env.runsFolder}`);
    const { code, last } = await this.run(cliInvocation(env, ['sweep', spec.fsPath, '--out', env.runsFolder], path.dirname(spec.fsPath)));
    this.deps.refreshRuns();
    if (code !== 0) {
      const choice = await vscode.window.showErrorMessage(`Contrastive Lab: the sweep was not queued: ${last}`, 'Show Log');
      if (choice === 'Show Log') this.deps.log.show(true);
      return;
    }
    await this.startQueue(env);
  }

  async startQueue(given?: TrainerEnvironment): Promise<void> {
    if (!(await ensureTrusted('start the run queue'))) return;
    const env = given ?? this.environment();
    const state = readQueue(env.runsFolder);
    if (this.runner !== undefined || runnerAlive(state.runner)) {
      void vscode.window.showInformationMessage(`Contrastive Lab: the run queue of ${env.runsFolder} is already running${state.runner ? ` (process ${state.runner.pid})` : ''}.`);
      return;
    }
    const waiting = state.entries.filter((e) => e.state !== 'done').length;
    if (waiting === 0) {
      void vscode.window.showInformationMessage('Contrastive Lab: the run queue is empty. "Run Sweep" on a spec with a sweep: block queues its runs (or `contrastive-lab queue add <spec>`).');
      return;
    }
    const invocation = cliInvocation(env, ['queue', 'start', env.runsFolder], env.runsFolder);
    this.deps.log.appendLine(`> contrastive-lab queue start ${env.runsFolder}`);
    const runner = spawn(invocation.command, [...invocation.args], { cwd: invocation.cwd, env: { ...process.env, ...invocation.env } });
    this.runner = runner;
    let last = '';
    const take = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      this.deps.log.append(text);
      last = text.trim().split('\n').pop() ?? last;
      this.deps.refreshRuns();
    };
    runner.stdout.on('data', take);
    runner.stderr.on('data', take);
    runner.on('exit', (code) => {
      this.runner = undefined;
      this.deps.refreshRuns();
      void vscode.window.showInformationMessage(`Contrastive Lab: ${code === 0 || code === 1 ? last : `the run queue ended (exit code ${code}); see the log`}`);
    });
    void vscode.window.showInformationMessage(`Contrastive Lab: the run queue started (${waiting} run${waiting === 1 ? '' : 's'} to go); the Runs view shows them.`);
  }

  async stopQueue(): Promise<void> {
    const env = this.environment();
    if (!runnerAlive(readQueue(env.runsFolder).runner)) {
      void vscode.window.showInformationMessage('Contrastive Lab: the run queue is not running.');
      return;
    }
    // The runner checkpoints and stops its running runs; the next Start Queue resumes them.
    const { last } = await this.run(cliInvocation(env, ['queue', 'stop', env.runsFolder], env.runsFolder));
    this.deps.refreshRuns();
    void vscode.window.showInformationMessage(`Contrastive Lab: ${last}`);
  }
}
