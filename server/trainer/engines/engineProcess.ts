// The PyTorch engine as one process from the start (`python3 -m contrastive_lab_torch.engine --serve`):
// the launcher starts it before loading the data, so importing torch overlaps the data loading and
// the same process answers "is there a torch ≥ 1.13" (its first line), "does the engine implement
// this spec" (a --check command) and then trains (a --run-dir command) — one Python start-up instead
// of three. Its stdout is JSON lines: the engine's own replies first, then the run's lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { PythonEngineError, torchVerdict } from './python';

/** How long importing torch may take before the interpreter is given up on. */
const READY_TIMEOUT_MS = 120_000;

/** What the engine's --check says the run will use (contrastive_lab_torch/engine.py `_check_plan`). */
export interface EnginePlan {
  readonly processes: number;
  /** One per process of this machine, `auto` resolved: `cpu`, `cuda:0`, `mps`. */
  readonly devices: readonly string[];
  /** gloo or nccl with several processes, else null. */
  readonly distributedBackend: string | null;
  readonly torch: string;
}

interface Checked {
  readonly code: number;
  readonly stderr: string;
  /** Present when the check passed. */
  readonly plan: EnginePlan | null;
}

export interface EngineExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: NodeJS.ErrnoException;
}

export class EngineProcess {
  readonly child: ChildProcess;
  private pending = '';
  private stderr = '';
  private exited: EngineExit | null = null;
  private readonly waiting: ((line: Record<string, unknown> | null) => void)[] = [];
  /** Replies that arrived before anyone asked for them. */
  private readonly replies: Record<string, unknown>[] = [];
  private runLines: ((line: string) => void) | null = null;
  /** Settles when the process has ended and its output is read. */
  readonly closed: Promise<EngineExit>;

  private constructor(private readonly python: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(python, ['-m', 'contrastive_lab_torch.engine', '--serve'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin?.on('error', () => undefined); // a process that died before reading: its exit says why
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.take(chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.closed = new Promise((resolve) => {
      this.child.on('error', (error: NodeJS.ErrnoException) => resolve(this.ended({ code: null, signal: null, error })));
      this.child.on('close', (code, signal) => resolve(this.ended({ code, signal })));
    });
  }

  static start(python: string, env: NodeJS.ProcessEnv): EngineProcess {
    return new EngineProcess(python, env);
  }

  /** torch's version once the engine has imported it; rejects with what to install when it cannot. */
  async ready(): Promise<string> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.child.kill('SIGKILL');
    }, READY_TIMEOUT_MS);
    try {
      const line = await this.next();
      if (line?.kind === 'engine' && typeof line.torch === 'string') return torchVerdict(this.python, null, line.torch, '');
      if (timedOut) throw new PythonEngineError(`run.engine pytorch: ${this.python} did not import torch within ${READY_TIMEOUT_MS / 1000} s; check that \`${this.python} -c "import torch"\` works.`);
      const exit = this.exited;
      const error = exit?.error ?? Object.assign(new Error(`exit ${exit?.code ?? 'unknown'}`), { code: exit?.code ?? 1 });
      return torchVerdict(this.python, error, '', this.stderr);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs `--check ...` in the engine; its exit code and what it said. */
  async check(argv: readonly string[]): Promise<Checked> {
    this.send(argv);
    const line = await this.next();
    if (line?.kind === 'checked' && typeof line.code === 'number') return { code: line.code, stderr: typeof line.stderr === 'string' ? line.stderr : '', plan: asPlan(line.plan) };
    // It ended while checking: its exit code and what it said mean what a --check process's would.
    const exit = await this.closed;
    return { code: exit.code ?? 1, stderr: this.stderr, plan: null };
  }

  /**
   * Starts the run: `argv` is the engine's --run-dir command; every stdout line from now on goes to
   * `onLine`. `env`: variables the engine sets before it runs (rank 0's env:// rendezvous).
   */
  run(argv: readonly string[], onLine: (line: string) => void, env: Readonly<Record<string, string>> = {}): void {
    this.runLines = onLine;
    this.stderr = ''; // from now on: the run's own
    this.send(argv, env);
    this.child.stdin?.end();
  }

  /** What the process wrote on stderr (since the run started, once it has). */
  get errorOutput(): string {
    return this.stderr;
  }

  /** Ends the process without a run (input closed: it exits 0). */
  close(): void {
    this.child.stdin?.end();
  }

  private send(argv: readonly string[], env: Readonly<Record<string, string>> = {}): void {
    this.child.stdin?.write(`${JSON.stringify(Object.keys(env).length > 0 ? { argv, env } : { argv })}\n`);
  }

  private take(chunk: string): void {
    this.pending += chunk;
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, newline);
      this.pending = this.pending.slice(newline + 1);
      if (this.runLines !== null) this.runLines(line);
      else {
        const reply = parse(line);
        if (reply === null) continue; // anything else a library printed is not a reply
        const waiter = this.waiting.shift();
        if (waiter !== undefined) waiter(reply);
        else this.replies.push(reply);
      }
    }
  }

  /** The engine's next reply line; null once the process has ended. */
  private next(): Promise<Record<string, unknown> | null> {
    const queued = this.replies.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.exited !== null) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private ended(how: EngineExit): EngineExit {
    this.exited ??= how;
    if (this.runLines !== null && this.pending.trim() !== '') this.runLines(this.pending);
    this.pending = '';
    for (const waiter of this.waiting.splice(0)) waiter(null);
    return this.exited;
  }
}

function asPlan(value: unknown): EnginePlan | null {
  if (typeof value !== 'object' || value === null) return null;
  const p = value as Record<string, unknown>;
  if (typeof p.processes !== 'number' || !Array.isArray(p.devices) || !p.devices.every((d) => typeof d === 'string')) return null;
  return { processes: p.processes, devices: p.devices as string[], distributedBackend: typeof p.distributedBackend === 'string' ? p.distributedBackend : null, torch: typeof p.torch === 'string' ? p.torch : '' };
}

function parse(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
