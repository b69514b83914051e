// Shared set-up for the protocol tests: a temporary workspace, a started server, and cursor-marked
// documents (`|` marks the cursor).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, positionOf, type ResponseMessage } from './lsp-client';

export interface CompletionItemLike {
  readonly label: string;
  readonly kind?: number;
  readonly detail?: string;
  readonly documentation?: { readonly value: string } | string;
  readonly insertTextFormat?: number;
  readonly textEdit?: { readonly range: { start: { line: number; character: number }; end: { line: number; character: number } }; readonly newText: string };
  readonly additionalTextEdits?: { readonly range: { start: { line: number; character: number }; end: { line: number; character: number } }; readonly newText: string }[];
}

export class Session {
  readonly client = new LspClient();
  readonly dir = mkdtempSync(join(tmpdir(), 'contrastive-lsp-'));
  private readonly versions = new Map<string, number>();

  uri(name: string): string {
    return pathToFileURL(join(this.dir, name)).href;
  }

  async start(): Promise<void> {
    const init = await this.client.initialize();
    if (init.error) throw new Error(`initialize failed: ${init.error.message}`);
  }

  /** Opens the document the first time, replaces its text afterwards; returns the version sent. */
  set(uri: string, text: string): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    if (version === 1) this.client.open(uri, text);
    else this.client.changeFull(uri, text, version);
    return version;
  }

  async diagnostics(uri: string, text: string): Promise<import('./lsp-client').Diagnostic[]> {
    const version = this.set(uri, text);
    return (await this.client.waitForDiagnostics(uri, () => true, version)).diagnostics;
  }

  /** Sets the text (with `|` as the cursor) and asks for completions there. */
  async complete(uri: string, marked: string): Promise<CompletionItemLike[]> {
    const position = positionOf(marked, '|');
    this.set(uri, marked.replace('|', ''));
    const response = await this.client.request('textDocument/completion', { textDocument: { uri }, position });
    return itemsOf(response);
  }

  async at(method: string, uri: string, marked: string): Promise<ResponseMessage> {
    const position = positionOf(marked, '|');
    this.set(uri, marked.replace('|', ''));
    return this.client.request(method, { textDocument: { uri }, position });
  }

  async stop(): Promise<void> {
    await this.client.shutdown();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function itemsOf(response: ResponseMessage): CompletionItemLike[] {
  if (response.error) throw new Error(`completion failed: ${response.error.message}`);
  const result = response.result as CompletionItemLike[] | { items: CompletionItemLike[] } | null;
  if (result === null) return [];
  return Array.isArray(result) ? result : result.items;
}

export function labels(items: readonly CompletionItemLike[]): string[] {
  return items.map((i) => i.label);
}

export function docText(item: CompletionItemLike | undefined): string {
  if (item?.documentation === undefined) return '';
  return typeof item.documentation === 'string' ? item.documentation : item.documentation.value;
}

/** Replaces the snippet syntax with what choosing the first option of every placeholder would give. */
export function expandSnippet(snippet: string): string {
  return snippet
    .replace(/\$\{\d+\|([^,|]*)[^}]*\|\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\d+/g, '')
    .replace(/\\([\\$}])/g, '$1');
}
