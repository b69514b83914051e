// Host side of the nearest-neighbour gallery: sends a run's samples, answers each query with its
// k nearest (distance and label) from the library's search in a `neighbors --serve` child process,
// and accepts a query chosen elsewhere (the map).
import * as vscode from 'vscode';
import type { GalleryToHost, HostToGallery } from '../../webview/protocol';
import { parseGalleryMessage, parsePanelState } from '../../webview/protocol';
import { NeighbourService } from '../runs/neighbourService';
import { runSearch } from '../runs/searchClient';
import type { EmbeddingsCache, LoadedEmbeddings } from '../runs/runEmbeddings';
import type { TrainerInvocation } from '../trainer/trainerCommand';
import type { PanelHooks } from './dashboardPanel';
import { sampleSet } from './samplePanels';
import { MessageHandlers, PanelHost } from './panelHost';
import { confine, webviewOptions } from './webviewPage';
import { GALLERY_VIEW_TYPE } from './viewTypes';
import { galleryTimeline, galleryTimelineChange } from './timelineHost';


export interface GallerySources {
  readonly embeddings: EmbeddingsCache;
  /** The command line of `contrastive-lab neighbors <runDir> --serve`. */
  readonly neighbourSearch: (runDir: string) => TrainerInvocation;
  /** The command line of `contrastive-lab search <runDir> <files> -k K --json`: a query the run has not seen. */
  readonly fileSearch: (runDir: string, files: readonly string[], k: number) => TrainerInvocation;
  /** The command line of `contrastive-lab search <runDir> --text <text> -k K --json`: a two-tower run's text query. */
  readonly textSearch: (runDir: string, text: string, k: number) => TrainerInvocation;
}

export class GalleryPanel extends PanelHost<HostToGallery, GalleryToHost> {
  private static current: GalleryPanel | undefined;
  private pendingQuery: number | undefined;
  /** A map lasso's samples to browse, posted once the page has the run's dataset. */
  private pendingSelection: { readonly indices: readonly number[]; readonly total: number } | undefined;
  /** A file to search with once the page is ready (Explorer → Find Similar in Run…). */
  private pendingFile: string | undefined;
  /** The search process for the embeddings shown; replaced when the run or its embeddings change. */
  private search: { readonly loaded: LoadedEmbeddings; readonly service: NeighbourService } | undefined;
  protected readonly handlers: MessageHandlers<GalleryToHost> = {
    query: (message) => void this.answer(message.index, message.k),
    searchFile: (message) => void this.searchWithFile(message.path, message.k),
    searchText: (message) => void this.searchWithText(message.text, message.k),
    requestTimeline: () => this.answerTimeline((dir) => galleryTimeline(dir)),
    timelineChange: (m) => this.answerTimeline((dir) => {
      const loaded = this.sources.embeddings.get(dir);
      return galleryTimelineChange(dir, loaded.labels, loaded.samples.ids, m.index, m.from, m.to, m.k);
    }),
  };

  /** Posts what `answer` reads from the run's timeline, or an error that says what went wrong. */
  private answerTimeline(answer: (runDir: string) => HostToGallery): void {
    const run = this.hooks.runs.get(this.runKey);
    if (!run) return;
    try {
      this.post(answer(run.dir));
    } catch (e) {
      this.post({ type: 'error', message: `Timeline of "${run.name}": ${(e as Error).message}` });
    }
  }

  static show(hooks: PanelHooks, sources: GallerySources, runKey: string, query: number | undefined): void {
    const open = GalleryPanel.current;
    if (open) {
      open.panel.reveal(undefined, false);
      open.setRun(runKey, query);
      return;
    }
    const panel = vscode.window.createWebviewPanel(GALLERY_VIEW_TYPE, 'Nearest Neighbours', vscode.ViewColumn.Beside, webviewOptions(hooks.extensionUri, hooks.runs.folder));
    GalleryPanel.current = new GalleryPanel(panel, hooks, sources, runKey, query);
  }

  /** Opens the gallery on the run browsing `indices` (the first `indices.length` of `total` points a map lasso selected). */
  static showSelection(hooks: PanelHooks, sources: GallerySources, runKey: string, indices: readonly number[], total: number): void {
    GalleryPanel.show(hooks, sources, runKey, indices[0]);
    const gallery = GalleryPanel.current;
    if (gallery === undefined) return;
    if (gallery.ready) gallery.post({ type: 'selection', indices, total });
    else gallery.pendingSelection = { indices, total };
  }

  /** Opens the gallery on `runKey` with the file `file` (not one of the run's samples) as the query. */
  static showFileQuery(hooks: PanelHooks, sources: GallerySources, runKey: string, file: string): void {
    GalleryPanel.show(hooks, sources, runKey, undefined);
    const gallery = GalleryPanel.current;
    if (gallery === undefined) return;
    // The page sends the search back with its k (searchFile), so the query box shows the file too.
    if (gallery.ready) gallery.post({ type: 'searchFile', path: file });
    else gallery.pendingFile = file;
  }

  static revive(panel: vscode.WebviewPanel, hooks: PanelHooks, sources: GallerySources, state: unknown): void {
    const parsed = parsePanelState('gallery', state);
    if (!parsed.ok) {
      panel.dispose(); // nothing to restore it from
      return;
    }
    confine(panel.webview, hooks.extensionUri, hooks.runs.folder);
    GalleryPanel.current?.panel.dispose();
    GalleryPanel.current = new GalleryPanel(panel, hooks, sources, parsed.value.runId, parsed.value.query ?? undefined);
  }

  private constructor(panel: vscode.WebviewPanel, private readonly hooks: PanelHooks, private readonly sources: GallerySources, private runKey: string, query: number | undefined) {
    super(panel, { kind: 'gallery', title: 'Nearest Neighbours', extensionUri: hooks.extensionUri, parse: parseGalleryMessage, log: hooks.log, exportFolder: () => hooks.runs.folder });
    this.pendingQuery = query;
    // The search process changes with the run; whichever is current is released with the panel.
    this.disposables.add({ dispose: () => this.closeSearch() });
    this.updateTitle();
    this.load();
  }

  private updateTitle(): void {
    this.panel.title = `Neighbours: ${this.hooks.runs.get(this.runKey)?.name ?? this.runKey}`;
  }

  private setRun(runKey: string, query: number | undefined): void {
    const changed = runKey !== this.runKey;
    this.runKey = runKey;
    if (changed) this.closeSearch();
    this.updateTitle();
    if (!this.ready) {
      this.pendingQuery = query ?? this.pendingQuery;
      return;
    }
    if (changed) this.sendDataset();
    if (query !== undefined) this.post({ type: 'selectQuery', index: query });
  }

  private sendDataset(): boolean {
    const run = this.hooks.runs.get(this.runKey);
    if (!run) {
      this.post({ type: 'error', message: `Run ${this.runKey} is no longer in ${this.hooks.runs.folder}; it may have been deleted.` });
      return false;
    }
    try {
      this.post({ type: 'dataset', ...sampleSet(this.panel.webview, run, this.runKey, this.sources.embeddings.get(run.dir)) });
      return true;
    } catch (e) {
      this.post({ type: 'error', message: `Cannot show the neighbours of "${run.name}": ${(e as Error).message}` });
      return false;
    }
  }

  protected onReady(): void {
    const sent = this.sendDataset();
    if (sent && this.pendingQuery !== undefined) this.post({ type: 'selectQuery', index: this.pendingQuery });
    if (sent && this.pendingSelection !== undefined) this.post({ type: 'selection', ...this.pendingSelection });
    if (sent && this.pendingFile !== undefined) this.post({ type: 'searchFile', path: this.pendingFile });
    this.pendingFile = undefined;
    this.pendingQuery = undefined;
    this.pendingSelection = undefined;
  }

  private async answer(index: number, k: number): Promise<void> {
    const run = this.hooks.runs.get(this.runKey);
    if (!run) return;
    try {
      const loaded = this.sources.embeddings.get(run.dir);
      const found = await this.searchFor(run.dir, loaded).query(index, k);
      if (this.disposed) return;
      this.post({
        type: 'neighbours',
        query: index,
        neighbours: found.map((n) => ({ index: n.index, distance: n.distance, label: loaded.labels[n.index] ?? '', id: n.id })),
      });
    } catch (e) {
      if (!this.disposed) this.post({ type: 'error', message: `Neighbours of sample ${index}: ${(e as Error).message}` });
    }
  }

  /** The nearest items to a file the run has not seen, from `contrastive-lab search` (its message when the file does not fit the run). */
  private async searchWithFile(file: string, k: number): Promise<void> {
    const run = this.hooks.runs.get(this.runKey);
    if (!run) return;
    try {
      const loaded = this.sources.embeddings.get(run.dir);
      const found = await runSearch(this.sources.fileSearch(run.dir, [file], k), { log: this.hooks.log });
      if (this.disposed) return;
      const hits = found.results[0]?.neighbors ?? [];
      this.post({
        type: 'searchResults',
        path: file,
        // Labels as the gallery shows the run's samples; items added with `index --add` have none.
        neighbours: hits.map((n) => ({ index: n.index, distance: n.distance, label: n.split === 'added' ? '' : (loaded.labels[n.index] ?? ''), id: n.id, ...(n.text !== undefined ? { text: n.text } : {}) })),
      });
    } catch (e) {
      if (!this.disposed) this.post({ type: 'error', message: `Search with ${file}: ${(e as Error).message}` });
    }
  }

  /** A two-tower run's items nearest to a typed text, from `contrastive-lab search --text` (its message when no word is known). */
  private async searchWithText(text: string, k: number): Promise<void> {
    const run = this.hooks.runs.get(this.runKey);
    if (!run) return;
    try {
      const loaded = this.sources.embeddings.get(run.dir);
      const found = await runSearch(this.sources.textSearch(run.dir, text, k), { log: this.hooks.log });
      if (this.disposed) return;
      const hits = found.results[0]?.neighbors ?? [];
      this.post({ type: 'textResults', text, neighbours: hits.map((n) => ({ index: n.index, distance: n.distance, label: loaded.labels[n.index] ?? '', id: n.id, ...(n.text !== undefined ? { text: n.text } : {}) })) });
    } catch (e) {
      if (!this.disposed) this.post({ type: 'error', message: `Search with "${text}": ${(e as Error).message}` });
    }
  }

  /** The search process for these embeddings: a re-embed (a new cache entry) starts a fresh one. */
  private searchFor(runDir: string, loaded: LoadedEmbeddings): NeighbourService {
    if (this.search?.loaded === loaded) return this.search.service;
    this.closeSearch();
    const service = new NeighbourService(this.sources.neighbourSearch(runDir), { log: this.hooks.log });
    this.search = { loaded, service };
    return service;
  }

  private closeSearch(): void {
    this.search?.service.dispose();
    this.search = undefined;
  }

  protected onClose(): void {
    if (GalleryPanel.current === this) GalleryPanel.current = undefined;
  }
}
