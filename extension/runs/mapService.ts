// The map panel's data process: `contrastive-lab map <run> --serve`, started at the first request
// and kept while the panel shows the run. It computes projections (reporting progress) and exact
// neighbours by the run's distance, streaming vectors.f32, so neither the extension host nor the
// page ever holds the vectors. JSON lines each way (server/runs/mapProtocol.ts). Free of VS Code
// so it is tested against the real CLI.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { MapNeighbour, MapReply, MapRequest } from '../../server/runs/mapProtocol';
import type { ProjectionName } from '../../server/runs/projection';
import type { RunDistance } from '../../server/runs/runDistance';
import { LineSplitter } from '../../server/runs/tail';
import { describeInvocation, type TrainerInvocation } from '../trainer/trainerCommand';

export type MapProgress = (phase: string, done: number, total: number) => void;

interface Waiting {
  readonly resolve: (reply: MapReply) => void;
  readonly reject: (error: Error) => void;
  readonly progress?: MapProgress;
}

type Distributive<T> = T extends unknown ? Omit<T, 'id'> : never;

const STDERR_TAIL_LINES = 10;

export class MapService {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private readyInfo: Promise<{ count: number; dim: number; distance: RunDistance }> | undefined;
  private stderrTail: string[] = [];
  private disposed = false;

  constructor(private readonly invocation: TrainerInvocation, private readonly log: (line: string) => void = () => undefined) {}

  /** The run's size and the distance neighbours are measured with (starts the process). */
  ready(): Promise<{ count: number; dim: number; distance: RunDistance }> {
    this.ensure();
    return this.readyInfo!;
  }

  /** Computes and stores the projections; `progress` hears each phase. */
  async project(methods: readonly ProjectionName[], progress: MapProgress, sample?: number): Promise<Readonly<Partial<Record<ProjectionName, number>>>> {
    const reply = await this.request({ method: 'project', methods, ...(sample !== undefined ? { sample } : {}) }, progress);
    if (!('projected' in reply)) throw new Error('the map process answered a projection request with something else');
    return reply.projected.seconds;
  }

  /** The k nearest samples of `query` in the original space (itself excluded), nearest first. */
  async neighbours(query: number, k: number): Promise<readonly MapNeighbour[]> {
    const reply = await this.request({ method: 'neighbours', query, k });
    if (!('neighbours' in reply)) throw new Error('the map process answered a neighbour request with something else');
    return reply.neighbours;
  }

  dispose(): void {
    this.disposed = true;
    this.stop(new Error('the map was closed or shows another run'));
  }

  private request(body: Distributive<MapRequest>, progress?: MapProgress): Promise<MapReply> {
    if (this.disposed) return Promise.reject(new Error('the map was closed'));
    this.ensure();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, ...(progress ? { progress } : {}) });
      this.child!.stdin.write(JSON.stringify({ id, ...body }) + '\n');
    });
  }

  private ensure(): void {
    if (this.child) return;
    const inv = this.invocation;
    this.log(`map: $ ${describeInvocation(inv)}`);
    const child = spawn(inv.command, [...inv.args], { cwd: inv.cwd, env: { ...process.env, ...inv.env }, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child = child;
    this.stderrTail = [];
    child.stdin.on('error', () => undefined); // a process that died is reported by 'close'
    let announce: ((info: { count: number; dim: number; distance: RunDistance }) => void) | undefined;
    let refuse: ((error: Error) => void) | undefined;
    this.readyInfo = new Promise((resolve, reject) => {
      announce = resolve;
      refuse = reject;
    });
    this.readyInfo.catch(() => undefined); // also rejected when nobody waits for it
    const out = new LineSplitter();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      for (const line of out.push(chunk)) {
        let reply: MapReply;
        try {
          reply = JSON.parse(line) as MapReply;
        } catch {
          this.log(`map: ${line}`);
          continue;
        }
        if ('ready' in reply) {
          announce?.(reply.ready);
          continue;
        }
        const w = this.waiting.get(reply.id);
        if (w === undefined) continue;
        if ('progress' in reply) {
          w.progress?.(reply.progress.phase, reply.progress.done, reply.progress.total);
          continue;
        }
        this.waiting.delete(reply.id);
        if ('error' in reply) w.reject(new Error(reply.error));
        else w.resolve(reply);
      }
    });
    const err = new LineSplitter();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const line of err.push(chunk)) {
        this.stderrTail.push(line);
        if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
      }
    });
    child.once('error', (e) => this.ended(child, `could not start '${inv.command}': ${e.message}. Set the setting contrastiveLab.nodePath to a Node.js 20 executable.`, refuse));
    child.once('close', (code, signal) => this.ended(child, `the map process exited (${signal ? `signal ${signal}` : `code ${code}`})${this.stderrTail.length > 0 ? `: ${this.stderrTail.join(' ')}` : ''}`, refuse));
  }

  private ended(child: ChildProcessWithoutNullStreams, reason: string, refuse: ((error: Error) => void) | undefined): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.log(`map: ${reason}`);
    refuse?.(new Error(reason));
    this.stop(new Error(reason));
  }

  private stop(error: Error): void {
    const child = this.child;
    this.child = undefined;
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
    if (child) {
      child.stdin.end();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
  }
}
