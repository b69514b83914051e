// The gallery's neighbour search, answered by the library's exact search in a child process
// (`contrastive-lab neighbors <run> --serve`) so the extension host never loads a tensor library.
// One process per run's embeddings, started at the first query; requests wait while it starts,
// each has a deadline, and a process that dies while serving is started again once per request.
// Free of VS Code so it is tested against the real CLI.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { LineSplitter, parseEventLine } from '../trainer/jsonLines';
import { describeInvocation, type TrainerInvocation } from '../trainer/trainerCommand';

export interface ServedNeighbour {
  readonly index: number;
  readonly id: string;
  readonly label: number | null;
  readonly className: string | null;
  readonly distance: number;
}

export interface NeighbourServiceOptions {
  /** How long the process may take to load the embeddings and say it is ready. */
  readonly startTimeoutMs?: number;
  /** How long one query may take once sent. */
  readonly requestTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

interface Pending {
  readonly id: number;
  readonly line: string;
  readonly query: number;
  attempts: number;
  timer: NodeJS.Timeout | undefined;
  resolve(found: ServedNeighbour[]): void;
  reject(error: Error): void;
}

interface SearchProcess {
  readonly child: ChildProcessWithoutNullStreams;
  ready: boolean;
  readonly inFlight: Map<number, Pending>;
  readonly stderrTail: string[];
  startTimer: NodeJS.Timeout | undefined;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** A request is sent at most this often: once, and once more to a restarted process. */
const MAX_ATTEMPTS = 2;
const STDERR_TAIL_LINES = 10;

function parseNeighbours(value: unknown): ServedNeighbour[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: ServedNeighbour[] = [];
  for (const item of value) {
    const n = item as Record<string, unknown>;
    if (typeof n?.index !== 'number' || typeof n.distance !== 'number') return undefined;
    out.push({
      index: n.index,
      distance: n.distance,
      id: typeof n.id === 'string' ? n.id : String(n.index),
      label: typeof n.label === 'number' ? n.label : null,
      className: typeof n.className === 'string' ? n.className : null,
    });
  }
  return out;
}

export class NeighbourService {
  private process: SearchProcess | undefined;
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private disposed = false;
  private readonly startTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly log: (line: string) => void;

  constructor(private readonly invocation: TrainerInvocation, options: NeighbourServiceOptions = {}) {
    this.startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.log = options.log ?? (() => undefined);
  }

  /** The pid of the search process, while one runs. */
  get pid(): number | undefined {
    return this.process?.child.pid;
  }

  /** The k nearest stored samples of sample `query` (itself excluded), nearest first. */
  query(query: number, k: number): Promise<ServedNeighbour[]> {
    if (this.disposed) return Promise.reject(new Error('the neighbour search was closed (the gallery or the run changed)'));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.queue.push({ id, query, line: JSON.stringify({ id, query, k }) + '\n', attempts: 0, timer: undefined, resolve, reject });
      this.ensureProcess();
      this.flush();
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const closed = new Error('the neighbour search was closed (the gallery or the run changed)');
    const p = this.process;
    this.process = undefined;
    if (p) this.stop(p);
    for (const r of [...this.queue, ...(p?.inFlight.values() ?? [])]) this.settle(r, closed);
    this.queue.length = 0;
  }

  private ensureProcess(): void {
    if (this.process || this.queue.length === 0) return;
    const inv = this.invocation;
    this.log(`neighbour search: $ ${describeInvocation(inv)}`);
    const child = spawn(inv.command, [...inv.args], { cwd: inv.cwd, env: { ...process.env, ...inv.env }, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const p: SearchProcess = { child, ready: false, inFlight: new Map(), stderrTail: [], startTimer: undefined };
    this.process = p;
    p.startTimer = setTimeout(() => {
      this.fail(p, `the neighbour search did not start within ${this.startTimeoutMs / 1000} s (${describeInvocation(inv)}); the run's embeddings may be very large or the machine busy. Try again.`);
    }, this.startTimeoutMs);
    // A write to a process that just died fails with EPIPE; its exit is handled below.
    child.stdin.on('error', () => undefined);
    const out = new LineSplitter();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => out.push(chunk).forEach((line) => this.receive(p, line)));
    const err = new LineSplitter();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const line of err.push(chunk)) {
        p.stderrTail.push(line);
        if (p.stderrTail.length > STDERR_TAIL_LINES) p.stderrTail.shift();
      }
    });
    child.once('error', (e) => this.ended(p, `could not start '${inv.command}': ${e.message}. Set the setting contrastiveLab.nodePath to a Node.js 20 executable.`));
    // 'close', not 'exit': by then stderr has been read to the end, so the reason includes the CLI's message.
    child.once('close', (code, signal) => {
      p.stderrTail.push(...err.flush());
      this.ended(p, `the neighbour search process exited (${signal ? `signal ${signal}` : `code ${code}`})${p.stderrTail.length > 0 ? `: ${p.stderrTail.join(' ')}` : ''}`);
    });
  }

  private flush(): void {
    const p = this.process;
    if (!p || !p.ready) return;
    for (const r of this.queue.splice(0)) {
      r.attempts++;
      r.timer = setTimeout(() => {
        p.inFlight.delete(r.id);
        this.settle(r, new Error(`the neighbour search took longer than ${this.requestTimeoutMs / 1000} s for sample ${r.query}; it was stopped and starts again with the next query.`));
        this.fail(p, undefined);
      }, this.requestTimeoutMs);
      p.inFlight.set(r.id, r);
      p.child.stdin.write(r.line);
    }
  }

  private receive(p: SearchProcess, line: string): void {
    const message = parseEventLine(line);
    if (!message) return;
    if (!p.ready && message.ready === true) {
      p.ready = true;
      clearTimeout(p.startTimer);
      this.flush();
      return;
    }
    const r = typeof message.id === 'number' ? p.inFlight.get(message.id) : undefined;
    if (!r) return;
    p.inFlight.delete(r.id);
    if (typeof message.error === 'string') {
      this.settle(r, new Error(message.error));
      return;
    }
    const found = parseNeighbours(message.neighbors);
    if (found) this.settle(r, undefined, found);
    else this.settle(r, new Error(`the neighbour search sent an answer without neighbours: ${line.slice(0, 200)}`));
  }

  /** Stops process p; with a reason, everything waiting on it fails with that reason. */
  private fail(p: SearchProcess, reason: string | undefined): void {
    if (this.process !== p) return;
    this.process = undefined;
    this.stop(p);
    if (reason === undefined) {
      this.requeue(p, 'the neighbour search was stopped after a query timed out');
      return;
    }
    for (const r of [...this.queue.splice(0), ...p.inFlight.values()]) this.settle(r, new Error(reason));
    p.inFlight.clear();
  }

  /** The process ended on its own (or could not be started). */
  private ended(p: SearchProcess, reason: string): void {
    clearTimeout(p.startTimer);
    if (this.process !== p) return;
    this.process = undefined;
    this.log(`neighbour search: ${reason}`);
    if (!p.ready) {
      // It died loading the run (no embeddings, a broken file, a wrong node path): starting it again would fail the same way.
      for (const r of [...this.queue.splice(0), ...p.inFlight.values()]) this.settle(r, new Error(`the neighbour search could not start: ${reason}`));
      return;
    }
    this.requeue(p, reason);
  }

  /**
   * Puts p's unanswered requests back in front of the queue and starts a new process for them;
   * a request that already had its second chance fails with `reason`.
   */
  private requeue(p: SearchProcess, reason: string): void {
    const again: Pending[] = [];
    for (const r of p.inFlight.values()) {
      clearTimeout(r.timer);
      if (r.attempts >= MAX_ATTEMPTS) this.settle(r, new Error(`${reason}; it was already started again once for sample ${r.query}.`));
      else again.push(r);
    }
    p.inFlight.clear();
    this.queue.unshift(...again);
    if (this.queue.length > 0) this.log('neighbour search: starting it again');
    this.ensureProcess();
    this.flush();
  }

  private stop(p: SearchProcess): void {
    clearTimeout(p.startTimer);
    for (const r of p.inFlight.values()) clearTimeout(r.timer);
    p.child.stdin.end();
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  }

  private settle(r: Pending, error: Error | undefined, found?: ServedNeighbour[]): void {
    clearTimeout(r.timer);
    if (error) r.reject(error);
    else r.resolve(found ?? []);
  }
}
