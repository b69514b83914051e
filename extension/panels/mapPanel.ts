// Host side of the embedding map: sends a run's samples and, on request, its PCA or UMAP
// projection; a click on a point opens the gallery with that sample as the query.
import * as vscode from 'vscode';
import type { HostToMap, MapToHost, ProjectionMethod } from '../../webview/protocol';
import { parseMapMessage, parsePanelState } from '../../webview/protocol';
import { readProjection } from '../../server/runs/embeddings';
import type { EmbeddingsCache } from '../runs/runEmbeddings';
import type { PanelHooks } from './dashboardPanel';
import { sampleSet } from './samplePanels';
import { MessageHandlers, PanelHost } from './panelHost';
import { confine, webviewOptions } from './webviewPage';
import { MAP_VIEW_TYPE } from './viewTypes';


export class MapPanel extends PanelHost<HostToMap, MapToHost> {
  private static current: MapPanel | undefined;
  protected readonly handlers: MessageHandlers<MapToHost> = {
    requestProjection: (message) => this.sendProjection(message.method),
    openGallery: (message) => this.hooks.openGallery(this.runKey, message.index),
  };

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

  private constructor(panel: vscode.WebviewPanel, private readonly hooks: PanelHooks, private readonly cache: EmbeddingsCache, private runKey: string) {
    super(panel, { kind: 'map', title: 'Embedding Map', extensionUri: hooks.extensionUri, parse: parseMapMessage, log: hooks.log, exportFolder: () => hooks.runs.folder });
    this.updateTitle();
    this.load();
  }

  private updateTitle(): void {
    this.panel.title = `Map: ${this.hooks.runs.get(this.runKey)?.name ?? this.runKey}`;
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

  protected onReady(): void {
    this.sendSamples();
  }

  protected onClose(): void {
    if (MapPanel.current === this) MapPanel.current = undefined;
  }
}
