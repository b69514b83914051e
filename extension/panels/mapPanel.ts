// Host side of the embedding map: sends a run's points (per-point columns as typed arrays), then
// each projection the page asks for — read from the run, or computed by the map process
// (`contrastive-lab map <run> --serve`, extension/runs/mapService.ts) with its progress relayed —
// answers exact-neighbour queries through the same process, and opens the gallery on a point or
// on the points a lasso selected.
import * as vscode from 'vscode';
import type { HostToMap, MapToHost, ProjectionMethod } from '../../webview/protocol';
import { parseMapMessage, parsePanelState } from '../../webview/protocol';
import { readProjection } from '../../server/runs/embeddings';
import { runPaths } from '../../server/runs/paths';
import type { TrainerInvocation } from '../trainer/trainerCommand';
import { MapPointsCache } from '../runs/mapPoints';
import { MapService } from '../runs/mapService';
import { towerColumn, towerPoints } from '../runs/towerPoints';
import type { PanelHooks } from './dashboardPanel';
import { MessageHandlers, PanelHost } from './panelHost';
import { confine, webviewOptions } from './webviewPage';
import { MAP_VIEW_TYPE } from './viewTypes';
import { MapTimelineSource } from './timelineHost';

export interface MapSources {
  /** The command line of `contrastive-lab map <runDir> --serve`. */
  readonly mapService: (runDir: string) => TrainerInvocation;
  /** Opens the gallery browsing these samples of the run (a lasso selection of `total` points). */
  readonly openSelection: (runKey: string, indices: readonly number[], total: number) => void;
}

const PROJECTION_METHODS_OFFERED: readonly ProjectionMethod[] = ['pca', 'umap'];

export class MapPanel extends PanelHost<HostToMap, MapToHost> {
  private static current: MapPanel | undefined;
  private readonly points = new MapPointsCache();
  private service: { readonly dir: string; readonly process: MapService } | undefined;
  protected readonly handlers: MessageHandlers<MapToHost> = {
    requestProjection: (message) => void this.sendProjection(message.method),
    openGallery: (message) => this.hooks.openGallery(this.runKey, message.index),
    neighbours: (message) => void this.sendNeighbours(message.index, message.k),
    describe: (message) => this.describe(message.index),
    showSelection: (message) => this.sources.openSelection(this.runKey, message.indices, message.total),
    requestTimeline: () => this.sendTimeline(),
  };
  private readonly timeline = new MapTimelineSource();

  static show(hooks: PanelHooks, sources: MapSources, runKey: string): void {
    const open = MapPanel.current;
    if (open) {
      open.panel.reveal(undefined, false);
      if (open.runKey !== runKey) {
        open.runKey = runKey;
        open.updateTitle();
        open.sendPoints();
      }
      return;
    }
    const panel = vscode.window.createWebviewPanel(MAP_VIEW_TYPE, 'Embedding Map', vscode.ViewColumn.Beside, webviewOptions(hooks.extensionUri, hooks.runs.folder));
    MapPanel.current = new MapPanel(panel, hooks, sources, runKey);
  }

  static revive(panel: vscode.WebviewPanel, hooks: PanelHooks, sources: MapSources, state: unknown): void {
    const parsed = parsePanelState('map', state);
    if (!parsed.ok) {
      panel.dispose();
      return;
    }
    confine(panel.webview, hooks.extensionUri, hooks.runs.folder);
    MapPanel.current?.panel.dispose();
    MapPanel.current = new MapPanel(panel, hooks, sources, parsed.value.runId);
  }

  private constructor(panel: vscode.WebviewPanel, private readonly hooks: PanelHooks, private readonly sources: MapSources, private runKey: string) {
    super(panel, { kind: 'map', title: 'Embedding Map', extensionUri: hooks.extensionUri, parse: parseMapMessage, log: hooks.log, exportFolder: () => hooks.runs.folder });
    this.disposables.add({ dispose: () => this.service?.process.dispose() });
    this.updateTitle();
    this.load();
  }

  private updateTitle(): void {
    this.panel.title = `Map: ${this.hooks.runs.get(this.runKey)?.name ?? this.runKey}`;
  }

  /** The map process for the run shown (a new one when the run changes). */
  private processFor(runDir: string): MapService {
    if (this.service?.dir !== runDir) {
      this.service?.process.dispose();
      this.service = { dir: runDir, process: new MapService(this.sources.mapService(runDir), this.hooks.log) };
    }
    return this.service.process;
  }

  private async sendPoints(): Promise<void> {
    const run = this.hooks.runs.get(this.runKey);
    if (!run) {
      this.post({ type: 'error', message: `Run ${this.runKey} is no longer in ${this.hooks.runs.folder}; it may have been deleted.` });
      return;
    }
    try {
      const loaded = this.points.get(run.dir);
      const ready = await this.processFor(run.dir).ready();
      const sprite = loaded.meta.sprite;
      // A two-tower run: a column that tells the towers apart, and the pairs for the page's hover.
      const towers = towerPoints(run.dir, loaded.ids);
      this.post({
        type: 'points',
        runId: this.runKey,
        runName: run.name,
        count: loaded.meta.count,
        methods: PROJECTION_METHODS_OFFERED,
        columns: towers !== undefined ? [...loaded.columns, towerColumn(towers)] : loaded.columns,
        sprite: sprite ? { uri: this.panel.webview.asWebviewUri(vscode.Uri.file(runPaths(run.dir).sprite)).toString(), thumbWidth: sprite.thumbWidth, thumbHeight: sprite.thumbHeight, columns: sprite.columns, rows: sprite.rows } : null,
        distance: ready.distance.describe,
        ...(towers !== undefined ? { towers } : {}),
      });
    } catch (e) {
      this.post({ type: 'error', message: `Cannot map the embeddings of "${run.name}": ${(e as Error).message}` });
    }
  }

  /** The stored projection, else computed by the map process (progress posted as it goes). */
  private async sendProjection(method: ProjectionMethod): Promise<void> {
    const run = this.hooks.runs.get(this.runKey);
    if (!run) return;
    try {
      const count = this.points.get(run.dir).meta.count;
      let xy = readProjection(run.dir, method);
      if (xy === null || xy.length !== count * 2) {
        await this.processFor(run.dir).project([method], (phase, done, total) => this.post({ type: 'progress', method, phase, done, total }));
        xy = readProjection(run.dir, method);
      }
      if (xy === null) throw new Error(`the ${method.toUpperCase()} projection was computed but ${runPaths(run.dir).embeddings} has none`);
      this.post({ type: 'projection', method, xy });
    } catch (e) {
      this.post({ type: 'error', message: `The ${method.toUpperCase()} projection of "${run.name}" failed: ${(e as Error).message}. Run \`contrastive-lab map ${run.dir} --project ${method}\` to see the whole message.` });
    }
  }

  private async sendNeighbours(index: number, k: number): Promise<void> {
    const run = this.hooks.runs.get(this.runKey);
    if (!run) return;
    try {
      this.post({ type: 'neighbours', query: index, neighbours: await this.processFor(run.dir).neighbours(index, k) });
    } catch (e) {
      if (!this.disposed) this.post({ type: 'error', message: `Neighbours of sample ${index}: ${(e as Error).message}` });
    }
  }

  private describe(index: number): void {
    const run = this.hooks.runs.get(this.runKey);
    const id = run ? this.points.get(run.dir).ids[index] : undefined;
    if (id !== undefined) this.post({ type: 'described', index, id });
  }

  private sendTimeline(): void {
    const run = this.hooks.runs.get(this.runKey);
    if (!run) return;
    try {
      this.post(this.timeline.message(run.dir));
    } catch (e) {
      this.post({ type: 'noTimeline', message: `The timeline of "${run.name}" cannot be read: ${(e as Error).message}` });
    }
  }

  protected onReady(): void {
    void this.sendPoints();
  }

  protected onClose(): void {
    if (MapPanel.current === this) MapPanel.current = undefined;
  }
}
