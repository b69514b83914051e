// Host side of the nearest-neighbour gallery: sends a run's samples, answers each query with its
// k nearest (distance and label), and accepts a query chosen elsewhere (the map).
import * as vscode from 'vscode';
import type { HostToGallery } from '../../webview/protocol';
import { parseGalleryMessage, parsePanelState } from '../../webview/protocol';
import { EmbeddingsCache, nearestNeighbours } from '../runs/runEmbeddings';
import type { PanelHooks } from './dashboardPanel';
import { sampleSet } from './samplePanels';
import { confine, renderPage, webviewOptions } from './webviewPage';

export const GALLERY_VIEW_TYPE = 'contrastiveLab.gallery';

export class GalleryPanel implements vscode.Disposable {
  private static current: GalleryPanel | undefined;
  private ready = false;
  private pendingQuery: number | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  static show(hooks: PanelHooks, cache: EmbeddingsCache, runKey: string, query: number | undefined): void {
    const open = GalleryPanel.current;
    if (open) {
      open.panel.reveal(undefined, false);
      open.setRun(runKey, query);
      return;
    }
    const panel = vscode.window.createWebviewPanel(GALLERY_VIEW_TYPE, 'Nearest Neighbours', vscode.ViewColumn.Beside, webviewOptions(hooks.extensionUri, hooks.runs.folder));
    GalleryPanel.current = new GalleryPanel(panel, hooks, cache, runKey, query);
  }

  static revive(panel: vscode.WebviewPanel, hooks: PanelHooks, cache: EmbeddingsCache, state: unknown): void {
    const parsed = parsePanelState('gallery', state);
    if (!parsed.ok) {
      panel.dispose(); // nothing to restore it from
      return;
    }
    confine(panel.webview, hooks.extensionUri, hooks.runs.folder);
    GalleryPanel.current?.panel.dispose();
    GalleryPanel.current = new GalleryPanel(panel, hooks, cache, parsed.value.runId, parsed.value.query ?? undefined);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly hooks: PanelHooks, private readonly cache: EmbeddingsCache, private runKey: string, query: number | undefined) {
    this.pendingQuery = query;
    panel.iconPath = vscode.Uri.joinPath(hooks.extensionUri, 'resources', 'activity-bar.svg');
    this.subscriptions.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    );
    this.updateTitle();
    renderPage(panel.webview, hooks.extensionUri, 'gallery', 'Nearest Neighbours');
  }

  private updateTitle(): void {
    this.panel.title = `Neighbours: ${this.hooks.runs.get(this.runKey)?.name ?? this.runKey}`;
  }

  private setRun(runKey: string, query: number | undefined): void {
    const changed = runKey !== this.runKey;
    this.runKey = runKey;
    this.updateTitle();
    if (!this.ready) {
      this.pendingQuery = query ?? this.pendingQuery;
      return;
    }
    if (changed) this.sendDataset();
    if (query !== undefined) this.post({ type: 'selectQuery', index: query });
  }

  private post(message: HostToGallery): void {
    void this.panel.webview.postMessage(message);
  }

  private sendDataset(): boolean {
    const run = this.hooks.runs.get(this.runKey);
    if (!run) {
      this.post({ type: 'error', message: `Run ${this.runKey} is no longer in ${this.hooks.runs.folder}; it may have been deleted.` });
      return false;
    }
    try {
      this.post({ type: 'dataset', ...sampleSet(this.panel.webview, run, this.runKey, this.cache.get(run.dir)) });
      return true;
    } catch (e) {
      this.post({ type: 'error', message: `Cannot show the neighbours of "${run.name}": ${(e as Error).message}` });
      return false;
    }
  }

  private receive(raw: unknown): void {
    const parsed = parseGalleryMessage(raw);
    if (!parsed.ok) {
      this.hooks.log(`gallery: ignored a malformed message: ${parsed.error}`);
      return;
    }
    const message = parsed.value;
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        if (this.sendDataset() && this.pendingQuery !== undefined) this.post({ type: 'selectQuery', index: this.pendingQuery });
        this.pendingQuery = undefined;
        return;
      }
      case 'webviewError':
        this.hooks.log(`gallery page error: ${message.message}`);
        return;
      case 'query':
        this.answer(message.index, message.k);
        return;
    }
  }

  private answer(index: number, k: number): void {
    const run = this.hooks.runs.get(this.runKey);
    if (!run) return;
    try {
      const loaded = this.cache.get(run.dir);
      const found = nearestNeighbours(loaded.vectors, loaded.meta.dim, index, k, loaded.metric);
      this.post({
        type: 'neighbours',
        query: index,
        neighbours: found.map((n) => ({ index: n.index, distance: n.distance, label: loaded.labels[n.index] ?? '', id: loaded.samples.ids[n.index] ?? String(n.index) })),
      });
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message });
    }
  }

  dispose(): void {
    if (GalleryPanel.current === this) GalleryPanel.current = undefined;
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions.length = 0;
  }
}
