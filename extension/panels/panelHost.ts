// The host side every panel shares: it loads the page, validates each message the page posts
// (webview/protocol.ts parsers) and routes it to the panel's handler for that message type,
// answers the messages every page posts alike (ready, page errors, PNG/CSV exports), and keeps
// the panel's disposables in one store released when the panel closes.
import * as vscode from 'vscode';
import type { ExportCsvMessage, ExportPngMessage, PanelKind, Parsed, ReadyMessage, WebviewErrorMessage } from '../../webview/protocol';
import { DisposableStore } from './disposables';
import { renderPage, saveExport } from './webviewPage';

/** Messages the base answers the same way for every panel. */
type SharedMessage = ReadyMessage | WebviewErrorMessage | ExportPngMessage | ExportCsvMessage;
const SHARED_TYPES: ReadonlySet<string> = new Set<SharedMessage['type']>(['ready', 'webviewError', 'exportPng', 'exportCsv']);

function isShared(message: { readonly type: string }): message is SharedMessage {
  return SHARED_TYPES.has(message.type);
}

/** One handler per panel-specific message type, each given the message of its own type. */
export type MessageHandlers<FromPage extends { readonly type: string }> = {
  readonly [K in Exclude<FromPage, SharedMessage>['type']]: (message: Extract<FromPage, { readonly type: K }>) => void;
};

export interface PanelPage<FromPage> {
  readonly kind: PanelKind;
  /** The page's <title>. */
  readonly title: string;
  readonly extensionUri: vscode.Uri;
  /** Validates what the page posts (parseDashboardMessage, ...): a webview is an untrusted page. */
  readonly parse: (raw: unknown) => Parsed<FromPage>;
  readonly log: (line: string) => void;
  /** The folder the export dialog opens in. */
  readonly exportFolder: () => string | undefined;
}

export abstract class PanelHost<ToPage extends { readonly type: string }, FromPage extends { readonly type: string }> implements vscode.Disposable {
  /** Released when the panel closes; register subscriptions and processes here once. */
  protected readonly disposables = new DisposableStore();
  /** The page posted 'ready' since it last loaded: what is posted now arrives. */
  protected ready = false;
  protected abstract readonly handlers: MessageHandlers<FromPage>;

  protected constructor(
    protected readonly panel: vscode.WebviewPanel,
    private readonly page: PanelPage<FromPage>,
  ) {
    panel.iconPath = vscode.Uri.joinPath(page.extensionUri, 'resources', 'activity-bar.svg');
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
    this.disposables.add(panel.webview.onDidReceiveMessage((raw: unknown) => this.route(raw)));
    // Hidden webviews are torn down (retainContextWhenHidden is off): the page asks again with 'ready'.
    this.disposables.add(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    );
  }

  protected get disposed(): boolean {
    return this.disposables.isDisposed;
  }

  /** Serves the page; the subclass calls it last in its constructor, once its handlers exist. */
  protected load(): void {
    renderPage(this.panel.webview, this.page.extensionUri, this.page.kind, this.page.title);
  }

  protected post(message: ToPage): void {
    void this.panel.webview.postMessage(message);
  }

  /** The page (re)loaded and asked for its data. */
  protected abstract onReady(): void;

  /** The panel closed: forget it wherever it is remembered (e.g. the open-panel singleton). */
  protected abstract onClose(): void;

  private route(raw: unknown): void {
    const parsed = this.page.parse(raw);
    if (!parsed.ok) {
      this.page.log(`${this.page.kind}: ignored a malformed message: ${parsed.error}`);
      return;
    }
    const message = parsed.value;
    if (isShared(message)) {
      this.answerShared(message);
      return;
    }
    // The parser admits only this page's message types, so the handler for message.type exists;
    // TypeScript cannot correlate a generic message with its handler's parameter, hence the cast.
    const handler = this.handlers[message.type as keyof MessageHandlers<FromPage>] as (message: FromPage) => void;
    handler(message);
  }

  private answerShared(message: SharedMessage): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.onReady();
        return;
      case 'webviewError':
        this.page.log(`${this.page.kind} page error: ${message.message}`);
        return;
      case 'exportPng':
        void saveExport(message.fileName, Buffer.from(message.dataUrl.slice(message.dataUrl.indexOf(',') + 1), 'base64'), this.page.exportFolder(), this.page.log);
        return;
      case 'exportCsv':
        void saveExport(message.fileName, Buffer.from(message.csv, 'utf8'), this.page.exportFolder(), this.page.log);
        return;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.onClose();
    this.disposables.dispose();
  }
}
