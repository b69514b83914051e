// Starts the Contrastive Lab language server (dist/language-server.js over Node IPC) the first
// time a spec file is open, and stops it with the extension.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export const SPEC_FILE_PATTERN = /\.contrastive\.(ya?ml|json)$/;

export const SPEC_DOCUMENT_SELECTOR = [
  { language: 'yaml', pattern: '**/*.contrastive.{yaml,yml}' },
  { language: 'json', pattern: '**/*.contrastive.json' },
] as const;

export function isSpecDocument(doc: vscode.TextDocument): boolean {
  return SPEC_FILE_PATTERN.test(doc.fileName) && doc.uri.scheme !== 'git';
}

export class SpecLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.subscriptions.push(vscode.workspace.onDidOpenTextDocument((doc) => this.startIfSpec(doc)));
    for (const doc of vscode.workspace.textDocuments) this.startIfSpec(doc);
  }

  private startIfSpec(doc: vscode.TextDocument): void {
    if (this.client || !isSpecDocument(doc)) return;
    const module = this.context.asAbsolutePath('dist/language-server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: SPEC_DOCUMENT_SELECTOR.map((f) => ({ ...f, scheme: 'file' })),
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.contrastive.{yaml,yml,json}') },
    };
    this.client = new LanguageClient('contrastiveLab', 'Contrastive Lab Language Server', serverOptions, clientOptions);
    this.client.start().catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      void vscode.window.showErrorMessage(`Contrastive Lab: the language server (${module}) did not start: ${message}. See the "Contrastive Lab Language Server" output.`);
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    void this.client?.stop();
    this.client = undefined;
  }
}
