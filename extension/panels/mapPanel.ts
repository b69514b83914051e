// Host side of the embedding map: sends a run's samples and, on request, its PCA or UMAP
// projection; a click on a point opens the gallery with that sample as the query.
import * as vscode from 'vscode';
import type { HostToMap, ProjectionMethod } from '../../webview/protocol';
import { parseMapMessage, parsePanelState } from '../../webview/protocol';
import { readProjection } from '../../server/runs/embeddings';
import type { EmbeddingsCache } from '../runs/runEmbeddings';
import type { PanelHooks } from './dashboardPanel';
import { sampleSet } from './samplePanels';
import { confine, renderPage, saveExport, webviewOptions } from './webviewPage';

export const MAP_VIEW_TYPE = 'contrastiveLab.map';

export class MapPanel implements vscode.Disposable {
  private static current: MapPanel | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  static show(hooks: PanelHooks, cache: EmbeddingsCache, runKey: string): void {
    const open = MapPanel.current;
    if (open) {
      open.panel.reveal(undefined, false);
      if (open.runKey !== runKey) {
        open.runKey = runKey;
        open.updateTitle();
        open.sendSamples();
      }
      return;
    }
    const panel = vscode.window.createWebviewPanel(MAP_VIEW_TYPE, 'Embedding Map', vscode.ViewColumn.Beside, webviewOptions(hooks.extensionUri, hooks.runs.folder));
    MapPanel.current = new MapPanel(panel, hooks, cache, runKey);
  }

  static revive(panel: vscode.WebviewPanel, hooks: PanelHooks, cache: EmbeddingsCache, state: unknown): void {
    const parsed = parsePanelState('map', state);
    if (!parsed.ok) {
      panel.dispose();
      return;
    }
    confine(panel.webview, hooks.extensionUri, hooks.runs.folder);
    MapPanel.current?.panel.dispose();
    MapPanel.current = new MapPanel(panel, hooks, cache, parsed.value.runId);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly hooks: PanelHooks, private readonly cache: EmbeddingsCache, private runKey: string) {
    panel.iconPath = vscode.Uri.joinPath(hooks.extensionUri, 'resources', 'activity-bar.svg');
    this.subscriptions.push(panel.onDidDispose(() => this.dispose()), panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
    this.updateTitle();
    renderPage(panel.webview, hooks.extensionUri, 'map', 'Embedding Map');
  }

  private updateTitle(): void {
    this.panel.title = `Map: ${this.hooks.runs.get(this.runKey)?.name ?? this.runKey}`;
  }

  private post(message: HostToMap): void {
    void this.panel.webview.postMessage(message);
  }

  private sendSamples(): void {
    const run = this.hooks.runs.get(this.runKey);
    if (!run) {
      this.post({ type: 'error', message: `Run ${this.runKey} is no longer in ${this.hooks.runs.folder}; it may have been deleted.` });
      return;
    }
    try {
      const loaded = this.cache.get(run.dir);
      this.post({ type: 'samples', methods: loaded.meta.projections, ...sampleSet(this.panel.webview, run, this.runKey, loaded) });
    } catch (e) {
      this.post({ type: 'error', message: `Cannot map the embeddings of "${run.name}": ${(e as Error).message}` });
    }
  }

  private sendProjection(method: ProjectionMethod): void {
    const run = this.hooks.runs.get(this.runKey);
    const xy = run ? readProjection(run.dir, method) : null;
    if (!run || !xy) {
      this.post({ type: 'error', message: `No ${method.toUpperCase()} projection stored for this run; run \`contrastive-lab embed ${run?.dir ?? this.runKey}\` to compute it.` });
      return;
    }
    this.post({ type: 'projection', method, xy: Array.from(xy) });
  }

  private receive(raw: unknown): void {
    const parsed = parseMapMessage(raw);
    if (!parsed.ok) {
      this.hooks.log(`map: ignored a malformed message: ${parsed.error}`);
      return;
    }
    const message = parsed.value;
    switch (message.type) {
      case 'ready':
        this.sendSamples();
        return;
      case 'webviewError':
        this.hooks.log(`map page error: ${message.message}`);
        return;
      case 'exportPng':
        void saveExport(message.fileName, Buffer.from(message.dataUrl.slice(message.dataUrl.indexOf(',') + 1), 'base64'), this.hooks.runs.folder, this.hooks.log);
        return;
      case 'requestProjection':
        this.sendProjection(message.method);
        return;
      case 'openGallery':
        this.hooks.openGallery(this.runKey, message.index);
        return;
    }
  }

  dispose(): void {
    if (MapPanel.current === this) MapPanel.current = undefined;
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions.length = 0;
  }
}
