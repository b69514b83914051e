// A small LSP client for the protocol tests: spawns the real server over stdio, frames JSON-RPC
// messages, matches responses to requests and collects published diagnostics.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = join(__dirname, '..', '..', '..');
const BUNDLE = join(ROOT, 'dist', 'language-server.js');

export interface ResponseMessage {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string };
}

export interface Diagnostic {
  readonly range: { readonly start: { line: number; character: number }; readonly end: { line: number; character: number } };
  readonly severity?: number;
  readonly code?: string | number;
  readonly codeDescription?: { readonly href: string };
  readonly message: string;
  readonly tags?: number[];
  readonly relatedInformation?: { location: { uri: string }; message: string }[];
}

export interface PublishedDiagnostics {
  readonly uri: string;
  readonly version?: number;
  readonly diagnostics: Diagnostic[];
}

export class LspClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, (message: ResponseMessage) => void>();
  private readonly diagnostics = new Map<string, PublishedDiagnostics>();
  /** Every publication, in order (to check debouncing). */
  readonly published: PublishedDiagnostics[] = [];
  private diagnosticWaiters: (() => void)[] = [];
  readonly stderr: string[] = [];
  /** `window/logMessage` texts (the server logs failed requests there). */
  readonly logs: string[] = [];
  exitCode: number | null = null;

  /** Starts the built bundle (dist/language-server.js) or, before a build, main.ts through tsx. */
  constructor(args: readonly string[] = ['--stdio']) {
    const command = existsSync(BUNDLE) ? [BUNDLE, ...args] : ['--import', 'tsx', join(ROOT, 'server/language/main.ts'), ...args];
    this.child = spawn(process.execPath, command, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.child.on('exit', (code) => {
      this.exitCode = code;
      for (const resolve of this.pending.values()) resolve({ id: -1, error: { code: -1, message: `server exited with ${code}` } });
      this.pending.clear();
    });
  }

  async initialize(initializationOptions: Record<string, unknown> = { diagnosticsDelayMs: 0 }): Promise<ResponseMessage> {
    const response = await this.request('initialize', { processId: process.pid, rootUri: pathToFileURL(ROOT).href, capabilities: {}, initializationOptions });
    this.notify('initialized', {});
    return response;
  }

  /** Frames one message. */
  static frame(message: object): Buffer {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
  }

  /** Writes several messages in one write, so the server reads them together. */
  writeRaw(bytes: Buffer): void {
    this.child.stdin.write(bytes);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  allocateId(): number {
    return this.nextId++;
  }

  /** Resolves with the response to `id`; rejects when none arrives within timeoutMs, so a hung server fails the test instead of hanging it. */
  expectResponse(id: number, timeoutMs = 30_000): Promise<ResponseMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no response to request ${id} within ${timeoutMs} ms\nstderr: ${this.stderr.join('')}`));
      }, timeoutMs);
      this.pending.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  }

  request(method: string, params: unknown): Promise<ResponseMessage> {
    const id = this.allocateId();
    const response = this.expectResponse(id);
    this.writeRaw(LspClient.frame({ id, method, params }));
    return response;
  }

  notify(method: string, params: unknown): void {
    this.writeRaw(LspClient.frame({ method, params }));
  }

  open(uri: string, text: string, languageId = uri.endsWith('.json') ? 'json' : 'yaml', version = 1): void {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  changeFull(uri: string, text: string, version: number): void {
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  latestDiagnostics(uri: string): PublishedDiagnostics | undefined {
    return this.diagnostics.get(uri);
  }

  /** Resolves with the first published diagnostics for `uri` (at `version`, when given) that satisfy `accept`. */
  async waitForDiagnostics(uri: string, accept: (d: PublishedDiagnostics) => boolean = () => true, version?: number, timeoutMs = 10_000): Promise<PublishedDiagnostics> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const latest = this.diagnostics.get(uri);
      if (latest !== undefined && (version === undefined || latest.version === version) && accept(latest)) return latest;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(latest)}\nstderr: ${this.stderr.join('')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.diagnosticWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async shutdown(): Promise<void> {
    if (this.exitCode === null) {
      await this.request('shutdown', null);
      this.notify('exit', null);
      await new Promise<void>((resolve) => {
        if (this.exitCode !== null) resolve();
        else this.child.once('exit', () => resolve());
        setTimeout(() => {
          this.child.kill();
          resolve();
        }, 3000).unref();
      });
    }
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const length = Number(/Content-Length: (\d+)/i.exec(header)?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body) as { id?: number; method?: string; params?: unknown; result?: unknown; error?: ResponseMessage['error'] });
    }
  }

  private dispatch(message: { id?: number; method?: string; params?: unknown; result?: unknown; error?: ResponseMessage['error'] }): void {
    if (message.method === 'textDocument/publishDiagnostics') {
      const params = message.params as PublishedDiagnostics;
      this.diagnostics.set(params.uri, params);
      this.published.push(params);
      const waiters = this.diagnosticWaiters;
      this.diagnosticWaiters = [];
      for (const wake of waiters) wake();
      return;
    }
    if (message.method === 'window/logMessage') {
      this.logs.push((message.params as { message: string }).message);
      return;
    }
    if (message.method !== undefined && message.id !== undefined) {
      // A request from the server (e.g. workspace/configuration): answer with nothing.
      this.writeRaw(LspClient.frame({ id: message.id, result: null }));
      return;
    }
    if (message.id !== undefined && message.method === undefined) {
      const resolve = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve?.(message as ResponseMessage);
    }
  }
}

/** Offset ↔ position helpers for tests that apply edits to text. */
export function offsetAt(text: string, position: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + position.character, text.length);
}

export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`"${needle}" not in text`);
  const offset = index + delta;
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

export interface TextEditLike {
  readonly range: { readonly start: { line: number; character: number }; readonly end: { line: number; character: number } };
  readonly newText: string;
}

/** Applies non-overlapping edits (as LSP defines them, against the original text). */
export function applyEdits(text: string, edits: readonly TextEditLike[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  let result = text;
  for (const edit of sorted) result = result.slice(0, offsetAt(text, edit.range.start)) + edit.newText + result.slice(offsetAt(text, edit.range.end));
  return result;
}
