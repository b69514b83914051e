// The gallery's neighbour search, answered by the library's exact search in a child process
// (`contrastive-lab neighbors <run> --serve`) so the extension host never loads a tensor library.
// They talk JSON-RPC over the child's stdio (vscode-jsonrpc; the messages are in
// server/trainer/neighborsProtocol.ts). One process per run's embeddings, started at the first
// query; requests wait until it says it is ready, each has a deadline and can be cancelled, and a
// process that dies while serving is started again once per request. Free of VS Code so it is
// tested against the real CLI.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CancellationTokenSource, createMessageConnection, ErrorCodes, ResponseError, StreamMessageReader, StreamMessageWriter, type CancellationToken, type MessageConnection } from 'vscode-jsonrpc/node';
import { LineSplitter } from '../../server/runs/tail';
import { FindNeighborsRequest, ReadyNotification, type Neighbor } from '../../server/trainer/neighborsProtocol';
import { describeInvocation, type TrainerInvocation } from '../trainer/trainerCommand';

export type ServedNeighbour = Pick<Neighbor, 'index' | 'id' | 'label' | 'className' | 'distance'>;

export interface NeighbourServiceOptions {
  /** How long the process may take to load the embeddings and say it is ready. */
  readonly startTimeoutMs?: number;
  /** How long one query may take once sent. */
  readonly requestTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

interface Pending {
  readonly id: number;
  readonly query: number;
  readonly k: number;
  attempts: number;
  timer: NodeJS.Timeout | undefined;
  /** Cancels the request on the process it was sent to. */
  sent: CancellationTokenSource | undefined;
  resolve(found: ServedNeighbour[]): void;
  reject(error: Error): void;
}

interface SearchProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly connection: MessageConnection;
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
const CLOSED = 'the neighbour search was closed (the gallery or the run changed)';
/** vscode-jsonrpc's own codes for a connection that went away, as opposed to the search's answers. */
const CONNECTION_ERRORS: ReadonlySet<number> = new Set([ErrorCodes.PendingResponseRejected, ErrorCodes.ConnectionInactive, ErrorCodes.MessageWriteError]);

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

  /** The k nearest stored samples of sample `query` (itself excluded), nearest first; `token` withdraws the query. */
  query(query: number, k: number, token?: CancellationToken): Promise<ServedNeighbour[]> {
    if (this.disposed) return Promise.reject(new Error(CLOSED));
    return new Promise((resolve, reject) => {
      const r: Pending = { id: this.nextId++, query, k, attempts: 0, timer: undefined, sent: undefined, resolve, reject };
      token?.onCancellationRequested(() => this.cancel(r));
      this.queue.push(r);
      this.ensureProcess();
      this.flush();
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const p = this.process;
    this.process = undefined;
    for (const r of [...this.queue, ...(p?.inFlight.values() ?? [])]) this.settle(r, new Error(CLOSED));
    this.queue.length = 0;
    p?.inFlight.clear();
    if (p) this.stop(p);
  }

  private ensureProcess(): void {
    if (this.process || this.queue.length === 0) return;
    const inv = this.invocation;
    this.log(`neighbour search: $ ${describeInvocation(inv)}`);
    const child = spawn(inv.command, [...inv.args], { cwd: inv.cwd, env: { ...process.env, ...inv.env }, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    // A write to a process that just died fails with EPIPE; its exit is handled below.
    child.stdin.on('error', () => undefined);
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const p: SearchProcess = { child, connection, ready: false, inFlight: new Map(), stderrTail: [], startTimer: undefined };
    this.process = p;
    p.startTimer = setTimeout(() => {
      this.fail(p, `the neighbour search did not start within ${this.startTimeoutMs / 1000} s (${describeInvocation(inv)}); the run's embeddings may be very large or the machine busy. Try again.`);
    }, this.startTimeoutMs);
    connection.onNotification(ReadyNotification, () => {
      if (this.process !== p || p.ready) return;
      p.ready = true;
      clearTimeout(p.startTimer);
      this.flush();
    });
    connection.onError(([error]) => this.log(`neighbour search: ${error.message}`));
    connection.listen();
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
      r.sent = new CancellationTokenSource();
      p.inFlight.set(r.id, r);
      p.connection.sendRequest(FindNeighborsRequest, { query: r.query, k: r.k }, r.sent.token).then(
        (result) => this.answered(p, r, result.neighbors.map(({ index, id, label, className, distance }) => ({ index, id, label, className, distance }))),
        (error: unknown) => {
          // A connection that broke settles nothing here: the process's end requeues or fails the request.
          if (error instanceof ResponseError && !CONNECTION_ERRORS.has(error.code)) this.answered(p, r, new Error(error.message));
        },
      );
    }
  }

  private answered(p: SearchProcess, r: Pending, outcome: ServedNeighbour[] | Error): void {
    if (p.inFlight.get(r.id) !== r) return; // timed out, cancelled, or already sent again to a new process
    p.inFlight.delete(r.id);
    if (outcome instanceof Error) this.settle(r, outcome);
    else this.settle(r, undefined, outcome);
  }

  /** Withdraws a query: from the queue, or from the process (which skips it if it has not started it). */
  private cancel(r: Pending): void {
    const queued = this.queue.indexOf(r);
    if (queued >= 0) this.queue.splice(queued, 1);
    const p = this.process;
    if (p?.inFlight.get(r.id) === r) {
      p.inFlight.delete(r.id);
      r.sent?.cancel();
    } else if (queued < 0) {
      return; // already answered
    }
    this.settle(r, new Error(`the neighbour query for sample ${r.query} was cancelled`));
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
    p.connection.dispose();
    if (this.process !== p) return;
    this.process = undefined;
    this.log(`neighbour search: ${reason}`);
    if (!p.ready) {
      // It died loading the run (no embeddings, a broken file, a wrong node path): starting it again would fail the same way.
      for (const r of [...this.queue.splice(0), ...p.inFlight.values()]) this.settle(r, new Error(`the neighbour search could not start: ${reason}`));
      p.inFlight.clear();
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
    p.connection.dispose();
    p.child.stdin.end();
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  }

  private settle(r: Pending, error: Error | undefined, found?: ServedNeighbour[]): void {
    clearTimeout(r.timer);
    r.sent?.dispose();
    if (error) r.reject(error);
    else r.resolve(found ?? []);
  }
}
