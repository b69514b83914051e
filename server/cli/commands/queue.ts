// `contrastive-lab queue add|list|start|stop|clear`: the run queue of a runs folder (queue.json).
import { availableParallelism } from 'node:os';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { runPaths } from '../../runs/paths';
import { effectiveStatus, readRunRecord, updateRunRecord, waitsInQueue } from '../../runs/record';
import { enqueue, newEntry, queuePaths, readQueue, runnerAlive, updateQueue, type QueueEntry } from '../../runs/queue/queueFile';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { positiveInt, threadsArg } from '../options';
import { exitCodeFor, printOutcome } from '../outcome';
import { formatDuration } from '../../trainer/progress';
import { createStopSignal } from '../../trainer/stop';
import { checkSpecForTraining, printProblems } from '../trainSpec';
import { defaultRunFolders } from './list';

/**
 * Runs at once by default: a tfjs run keeps one core busy with its JavaScript and one with its
 * kernel thread, so half the cores (at least one run).
 */
export function defaultParallel(cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}

/** Kernel threads of each run: the cores shared out between the runs. */
export function threadsPerRun(parallel: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / parallel));
}

const usage = `Usage: contrastive-lab queue add <spec|run-dir>... [--out DIR]
       contrastive-lab queue list  [runs-folder] [--json]
       contrastive-lab queue start [runs-folder] [--parallel N] [--threads N] [--no-umap]
       contrastive-lab queue stop  [runs-folder]
       contrastive-lab queue clear [runs-folder]
       contrastive-lab queue run <run-dir> [--threads N] [--until-epoch N] [--no-umap]

The run queue of a runs folder, kept in <runs-folder>/queue.json (written atomically under
queue.lock, so two processes never start the same run). It survives restarts: a queue whose runner
was killed goes on with \`queue start\`, resuming the runs it had started from their last checkpoint.

  add     create a queued run of each spec (checked like \`train\`) in its run.outputDir (or --out),
          or queue an existing stopped, interrupted or failed run folder to be resumed
  list    the queue in order: each run's state (waiting, running, done) and how it ended
  start   work through the queue in the foreground: at most --parallel runs at once (default: half
          the cores, ${defaultParallel()} here), each with --threads kernel threads (default: the cores
          shared out); a failed run does not stop the queue; Ctrl-C or \`queue stop\` checkpoints
          and stops the running runs, which the next \`queue start\` resumes; --no-umap skips
          the UMAP projection of each run's final embeddings
  stop    ask the running \`queue start\` to stop (SIGTERM) and wait until it has
  clear   remove every entry that is not running; runs never started are marked stopped
  run     (what \`queue start\` runs for each entry) resume one run folder; --until-epoch N stops it,
          checkpointed, once epoch N is trained and evaluated (a successive-halving rung)

Without runs-folder: the first of ./runs and the run folders of the specs here (as \`list\`) that
has a queue, else ./runs.

Exit codes: 0 done, 1 a spec has errors, a run folder cannot be queued, or a run of the queue failed
(start), 2 wrong usage.`;

function queueFolder(named: string | undefined): string {
  if (named !== undefined) return resolve(named);
  const folders = defaultRunFolders(process.cwd());
  return folders.find((f) => existsSync(queuePaths(f).file)) ?? folders[0]!;
}

function isRunFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(runPaths(path).runJson);
  } catch {
    return false;
  }
}

function show(path: string): string {
  return relative(process.cwd(), path) || '.';
}

async function add(positionals: readonly string[], out: string | undefined): Promise<number> {
  if (positionals.length === 0) throw new UsageError('Name the specs (or run folders) to queue, e.g. `contrastive-lab queue add a.contrastive.yaml b.contrastive.yaml`.');
  // Loaded here: creating a run folder uses the trainer's run-directory code (not tfjs).
  const { createRunDirectory } = await import('../../trainer/runDirectory');
  const byRoot = new Map<string, QueueEntry[]>();
  const push = (root: string, entry: QueueEntry): void => void byRoot.set(root, [...(byRoot.get(root) ?? []), entry]);
  for (const target of positionals) {
    if (isRunFolder(target)) {
      const dir = resolve(target);
      const record = readRunRecord(dir);
      const status = effectiveStatus(record);
      if (status === 'completed' || status === 'running') {
        process.stderr.write(`${target}: run ${record.id} is ${status}; only stopped, interrupted, failed or queued runs can be queued.\n`);
        return 1;
      }
      push(dirname(dir), newEntry(basename(dir), { sweep: record.sweep?.id ?? null }));
      continue;
    }
    const check = checkSpecForTraining(target);
    printProblems(check.problems, (line) => process.stderr.write(line + '\n'));
    if (!check.ok) {
      process.stderr.write(`${target}: the spec has errors; fix them and queue it again (\`contrastive-lab validate ${target}\` lists them).\n`);
      return 1;
    }
    const root = out !== undefined ? resolve(out) : resolve(dirname(resolve(target)), check.spec.run.outputDir);
    const { dir, record } = createRunDirectory(root, check.spec, resolve(target), check.text, check.spec.strategy.epochs);
    // No trainer yet: the queue starts it.
    updateRunRecord(dir, { pid: null });
    push(root, newEntry(record.id));
  }
  for (const [root, entries] of byRoot) {
    const added = enqueue(root, entries);
    process.stdout.write(`queued ${added} run${added === 1 ? '' : 's'} in ${show(queuePaths(root).file)}${added < entries.length ? ` (${entries.length - added} already waiting)` : ''}; start with: contrastive-lab queue start ${show(root)}\n`);
  }
  return 0;
}

function list(root: string, json: boolean): number {
  const state = readQueue(root);
  if (json) {
    process.stdout.write(JSON.stringify({ folder: root, runner: runnerAlive(state.runner) ? state.runner : null, entries: state.entries }) + '\n');
    return 0;
  }
  if (state.entries.length === 0) {
    process.stdout.write(`the queue of ${show(root)} is empty; add runs with \`contrastive-lab queue add <spec>\`.\n`);
    return 0;
  }
  const runner = runnerAlive(state.runner) ? `running in process ${state.runner!.pid} (${state.runner!.parallel} at once)` : 'not running';
  process.stdout.write(`queue of ${show(root)}: ${state.entries.length} entr${state.entries.length === 1 ? 'y' : 'ies'}, ${runner}\n`);
  const width = Math.max(...state.entries.map((e) => e.run.length));
  for (const e of state.entries) {
    const detail = [e.outcome ?? '', e.untilEpoch !== null ? `until epoch ${e.untilEpoch}` : '', e.sweep !== null ? `sweep ${e.sweep}` : ''].filter((d) => d !== '').join(', ');
    process.stdout.write(`  ${e.run.padEnd(width)}  ${e.state.padEnd(7)}  ${detail}\n`);
  }
  return 0;
}

async function start(root: string, parallel: number, threads: number, umap: boolean): Promise<number> {
  const { runQueue } = await import('../../runs/queue/runner');
  const cliScript = process.argv[1];
  if (cliScript === undefined) throw new Error('cannot tell how this CLI was started (no script path in process.argv); run it as `contrastive-lab queue start`.');
  process.stdout.write(`queue of ${show(root)}: ${parallel} run${parallel === 1 ? '' : 's'} at once, ${threads} kernel thread${threads === 1 ? '' : 's'} each\n`);
  const summary = await runQueue({
    root,
    parallel,
    threads,
    umap,
    cli: { command: process.execPath, args: [...process.execArgv, cliScript] },
    log: (line) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  });
  const left = readQueue(root).entries.filter((e) => e.state !== 'done').length;
  const waiting = left > 0 ? `; ${left} waiting: \`contrastive-lab queue start ${show(root)}\` resumes them` : '';
  process.stdout.write(`queue ${left > 0 ? 'stopped' : 'finished'}: ${summary.completed} completed, ${summary.failed} failed, ${summary.stopped} stopped${summary.pruned > 0 ? `, ${summary.pruned} stopped by successive halving` : ''}${waiting}\n`);
  return summary.failed > 0 ? 1 : 0;
}

async function stop(root: string): Promise<number> {
  const state = readQueue(root);
  if (!runnerAlive(state.runner)) {
    process.stdout.write(`the queue of ${show(root)} is not running.\n`);
    return 0;
  }
  const pid = state.runner!.pid;
  process.kill(pid, 'SIGTERM');
  process.stdout.write(`asked the queue (process ${pid}) to stop; its running runs checkpoint and stop…\n`);
  while (runnerAlive(readQueue(root).runner)) await new Promise((r) => setTimeout(r, 200));
  process.stdout.write(`the queue has stopped; \`contrastive-lab queue start ${show(root)}\` resumes it.\n`);
  return 0;
}

function clear(root: string): number {
  const removed = updateQueue(root, (state) => ({ state: { ...state, entries: state.entries.filter((e) => e.state === 'running') }, result: state.entries.filter((e) => e.state !== 'running') }));
  for (const e of removed) {
    // A run the queue created and never started would otherwise show as queued for ever.
    const dir = resolve(root, e.run);
    if (e.state === 'waiting' && isRunFolder(dir) && waitsInQueue(readRunRecord(dir))) updateRunRecord(dir, { status: 'stopped', endedAt: new Date().toISOString() });
  }
  process.stdout.write(`removed ${removed.length} entr${removed.length === 1 ? 'y' : 'ies'} from the queue of ${show(root)}.\n`);
  return 0;
}

/**
 * One run of the queue, in its own process: resume the run folder (a queued run starts from the
 * beginning). On tfjs, --until-epoch requests the stop at that epoch's last step, so the epoch is
 * evaluated and checkpointed and the run ends stopped exactly there; the runner also watches the
 * metrics, which is how a PyTorch run is stopped at its rung.
 */
async function runOne(runDir: string, threads: number | null, untilEpoch: number | null, umap: boolean): Promise<number> {
  // Loaded here: the trainer pulls in tfjs.
  const { resumeRun } = await import('../../trainer/start');
  const { isPyTorchRun, resumeWithPyTorch } = await import('../../trainer/engines/pytorch');
  const stop = createStopSignal(true);
  const started = Date.now();
  try {
    let stepsPerEpoch: number | null = null;
    const onStep = (step: number): void => {
      stepsPerEpoch ??= readRunRecord(runDir).stepsPerEpoch;
      if (untilEpoch !== null && stepsPerEpoch !== null && step >= untilEpoch * stepsPerEpoch && !stop.requested) stop.request(`epoch ${untilEpoch} reached: a successive-halving rung`);
    };
    const outcome = isPyTorchRun(runDir)
      ? await resumeWithPyTorch(runDir, { mode: 'plain', stop, umap, threads, python: null })
      : await resumeRun(runDir, { mode: 'plain', backend: null, threads, stop, umap, ...(untilEpoch !== null ? { onStep } : {}) });
    printOutcome(outcome, formatDuration((Date.now() - started) / 1000));
    return exitCodeFor(outcome);
  } finally {
    stop.dispose();
  }
}

export const queueCommand: Command = {
  usage,
  async run(argv) {
    const [action, ...rest] = argv;
    const args = parseArgs(rest, { booleans: ['json', 'no-umap'], values: ['out', 'parallel', 'threads', 'until-epoch'] });
    const folderArg = (): string => {
      if (args.positionals.length > 1) throw new UsageError(`queue ${action} takes at most one runs folder, got ${args.positionals.length}.`);
      return queueFolder(args.positionals[0]);
    };
    switch (action) {
      case 'add':
        return add(args.positionals, args.values.get('out'));
      case 'list':
        return list(folderArg(), args.booleans.has('json'));
      case 'start': {
        const parallel = positiveInt(args.values.get('parallel'), '--parallel', defaultParallel());
        return start(folderArg(), parallel, positiveInt(args.values.get('threads'), '--threads', threadsPerRun(parallel)), !args.booleans.has('no-umap'));
      }
      case 'stop':
        return stop(folderArg());
      case 'clear':
        return clear(folderArg());
      case 'run':
        if (args.positionals.length !== 1) throw new UsageError('queue run takes one run folder.');
        return runOne(resolve(args.positionals[0]!), threadsArg(args.values.get('threads')), args.values.has('until-epoch') ? positiveInt(args.values.get('until-epoch'), '--until-epoch', 1) : null, !args.booleans.has('no-umap'));
      default:
        throw new UsageError(action === undefined ? 'Name an action: add, list, start, stop, clear or run.' : `Unknown action "${action}": use add, list, start, stop, clear or run.`);
    }
  },
};
