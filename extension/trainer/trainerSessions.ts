// Trainer processes started from the editor. Each is a detached child process writing its stdout
// (one JSON event per line) and stderr to a log file, which is tailed into the trainer log. The
// file, not a pipe, is what lets a run outlive a window reload: the trainer never sees a broken
// pipe, and the reloaded window re-attaches through the run directory (run.json's pid). Progress
// reaches the views through the run directory (server/runs/reader.ts), not through this stream:
// its lines only feed the trainer log, so there is no request/response channel to speak RPC on.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseJsonObject } from '../../server/runs/jsonl';
import { FileTail } from '../../server/runs/tail';
import { describeInvocation, type TrainerInvocation } from './trainerCommand';

export interface TrainerLog {
  appendLine(line: string): void;
}

export interface SessionEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last non-JSON output lines (stderr), for the error message when the trainer fails. */
  readonly outputTail: readonly string[];
}

export interface TrainerSession {
  readonly pid: number | undefined;
  /** The run's id, from the first line the trainer streams; undefined until then. */
  readonly runId: string | undefined;
  readonly label: string;
  readonly logFile: string;
  /** Resolves when the process exits. */
  readonly ended: Promise<SessionEnd>;
  stop(): void;
}

const TAIL_LINES = 20;
const TAIL_INTERVAL_MS = 200;

/** Formats one stdout event for the log: the event's kind and message first, the rest as JSON. */
export function formatEvent(event: Record<string, unknown>): string {
  const kind = typeof event.type === 'string' ? event.type : typeof event.event === 'string' ? event.event : 'event';
  const message = typeof event.message === 'string' ? ` ${event.message}` : '';
  const rest = Object.fromEntries(Object.entries(event).filter(([k]) => k !== 'type' && k !== 'event' && k !== 'message'));
  const details = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `[${kind}]${message}${details}`;
}

export class TrainerSessions {
  private readonly sessions = new Set<TrainerSession>();
  private readonly listeners = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly log: TrainerLog, private readonly logDir: string) {}

  get active(): readonly TrainerSession[] {
    return [...this.sessions];
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  start(invocation: TrainerInvocation, label: string): TrainerSession {
    fs.mkdirSync(this.logDir, { recursive: true });
    const logFile = path.join(this.logDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${label.replace(/[^\w.-]+/g, '_')}.log`);
    this.log.appendLine(`$ ${describeInvocation(invocation)}`);
    this.log.appendLine(`  (output: ${logFile})`);
    const fd = fs.openSync(logFile, 'a');
    const child = spawn(invocation.command, [...invocation.args], {
      cwd: invocation.cwd,
      env: { ...process.env, ...invocation.env },
      stdio: ['ignore', fd, fd],
      detached: true, // its own process group: a window reload does not take the run down
      windowsHide: true,
    });
    fs.closeSync(fd);
    child.unref();

    const tail = new FileTail(logFile);
    const outputTail: string[] = [];
    let runId: string | undefined;
    const handleLine = (line: string): void => {
      const event = parseJsonObject(line);
      if (event) {
        if (runId === undefined && typeof event.runId === 'string') runId = event.runId;
        this.log.appendLine(`[${label}] ${formatEvent(event)}`);
        return;
      }
      outputTail.push(line);
      if (outputTail.length > TAIL_LINES) outputTail.shift();
      this.log.appendLine(`[${label}] ${line}`);
    };
    const timer = setInterval(() => tail.read().lines.forEach(handleLine), TAIL_INTERVAL_MS);
    this.timers.add(timer);

    const session: TrainerSession = {
      pid: child.pid,
      get runId() {
        return runId;
      },
      label,
      logFile,
      ended: new Promise<SessionEnd>((resolve) => {
        let settled = false;
        const finish = (end: SessionEnd): void => {
          if (settled) return;
          settled = true;
          clearInterval(timer);
          this.timers.delete(timer);
          tail.read(true).lines.forEach(handleLine);
          this.sessions.delete(session);
          this.emit();
          resolve({ ...end, outputTail });
        };
        child.once('error', (err) => {
          const line = `could not start the trainer with '${invocation.command}': ${err.message}. Set the setting contrastiveLab.nodePath to a Node.js 20 executable.`;
          this.log.appendLine(line);
          outputTail.push(line);
          finish({ code: null, signal: null, outputTail });
        });
        child.once('exit', (code, signal) => {
          this.log.appendLine(`[${label}] trainer exited (${signal ? `signal ${signal}` : `code ${code}`})`);
          finish({ code, signal, outputTail });
        });
      }),
      stop: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      },
    };
    this.sessions.add(session);
    this.emit();
    return session;
  }

  /** Stops tailing. The trainers keep running: the next window re-attaches through run.json. */
  dispose(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
