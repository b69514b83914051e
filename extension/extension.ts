// Contrastive Lab's VS Code client. Activation only registers things; the language client starts
// with the first spec file, and the run watcher, trainer sessions and status bar with the first
// look at the runs (the Runs view or a command). The panels (with the webview protocol and page
// code) load when one first opens. Everything is a disposable on the context.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findSimilarInRun } from './commands/findSimilar';
import { newExperiment } from './commands/newExperiment';
import { resolveRun, resolveRuns, runKey } from './commands/runArgument';
import { QueueCommands } from './commands/queueCommands';
import { RunCommands } from './commands/runCommands';
import { SpecLanguageClient } from './language/specLanguageClient';
import type { PanelHooks } from './panels/dashboardPanel';
import type { GallerySources } from './panels/galleryPanel';
import type { MapSources } from './panels/mapPanel';
import type { ExperimentsHooks } from './panels/experimentsPanel';
import { DASHBOARD_VIEW_TYPE, EXPERIMENTS_VIEW_TYPE, GALLERY_VIEW_TYPE, MAP_VIEW_TYPE } from './panels/viewTypes';
import { EmbeddingsCache } from './runs/runEmbeddings';
import { RunService } from './runs/runService';
import { affectsLabSettings, readSettings } from './settings';
import { mapServeInvocation, neighboursServeInvocation, searchInvocation, textSearchInvocation } from './trainer/trainerCommand';
import { TrainerSessions } from './trainer/trainerSessions';
import { RunsTreeProvider } from './views/runsTree';
import { RunStatusBar } from './views/statusBar';
import { TableStatusBar } from './views/tableStatusBar';

// Loaded on first use: esbuild keeps them in dist/extension.js but evaluates them only when called.
const dashboardPanel = () => import('./panels/dashboardPanel');
const galleryPanel = () => import('./panels/galleryPanel');
const mapPanel = () => import('./panels/mapPanel');
const experimentsPanel = () => import('./panels/experimentsPanel');

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Contrastive Lab');
  const runs = new RunService(readSettings().runsFolder);
  const sessions = new TrainerSessions(log, context.logUri.fsPath);
  const embeddings = new EmbeddingsCache();
  const tree = new RunsTreeProvider(runs);
  const treeView = vscode.window.createTreeView('contrastiveLab.runs', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: false });

  const hooks: PanelHooks = {
    extensionUri: context.extensionUri,
    runs,
    log: (line) => log.appendLine(line),
    openGallery: (key, query) => void showGallery(key, query),
    openMap: (key) => void showMap(key),
  };
  const showDashboard = async (keys: readonly string[], preserveFocus: boolean): Promise<void> => (await dashboardPanel()).DashboardPanel.show(hooks, keys, preserveFocus);
  const showGallery = async (key: string, query: number | undefined): Promise<void> => (await galleryPanel()).GalleryPanel.show(hooks, gallerySources, key, query);
  const showMap = async (key: string): Promise<void> => (await mapPanel()).MapPanel.show(hooks, mapSources, key);
  const experimentsHooks: ExperimentsHooks = { extensionUri: context.extensionUri, runs, log: (line) => log.appendLine(line), workspaceState: context.workspaceState, showDashboard: (keys) => showDashboard(keys, false) };
  const runCommands = new RunCommands({ context, runs, sessions, log, showDashboard });
  // The gallery's neighbour search runs the CLI with the same node and backend settings as training.
  const gallerySources: GallerySources = {
    embeddings,
    neighbourSearch: (runDir) => neighboursServeInvocation(runCommands.environment(runs.folder ?? path.dirname(runDir)), runDir),
    fileSearch: (runDir, files, k) => searchInvocation(runCommands.environment(runs.folder ?? path.dirname(runDir)), runDir, files, k),
    textSearch: (runDir, text, k) => textSearchInvocation(runCommands.environment(runs.folder ?? path.dirname(runDir)), runDir, text, k),
  };
  // The map's process (projections, exact neighbours) runs the CLI with the same node as training; a lasso opens the gallery on its points.
  const mapSources: MapSources = {
    mapService: (runDir) => mapServeInvocation(runCommands.environment(runs.folder ?? path.dirname(runDir)), runDir),
    openSelection: (key, indices, total) => void galleryPanel().then((m) => m.GalleryPanel.showSelection(hooks, gallerySources, key, indices, total)),
  };
  const withEmbeddings = (r: { hasEmbeddings: boolean }): boolean => r.hasEmbeddings;

  let statusBar: RunStatusBar | undefined;
  let tableStatusBar: TableStatusBar | undefined;
  const ensureStatusBar = (): void => {
    statusBar ??= new RunStatusBar(runs);
    tableStatusBar ??= new TableStatusBar(runs);
  };

  context.subscriptions.push(
    log,
    runs,
    tree,
    treeView,
    { dispose: () => sessions.dispose() },
    { dispose: () => statusBar?.dispose() },
    { dispose: () => tableStatusBar?.dispose() },
    new SpecLanguageClient(context),
    ...runCommands.register(),
    ...new QueueCommands({ log, environment: (fallback) => runCommands.environment(fallback), runsFolder: () => runs.folder, refreshRuns: () => runs.refreshAll() }).register(),
    vscode.commands.registerCommand('contrastiveLab.newExperiment', () => newExperiment(context)),
    vscode.commands.registerCommand('contrastiveLab.openDashboard', async (arg: unknown) => {
      const run = await resolveRun(runs, arg, 'Open the dashboard of which run?');
      if (run) await showDashboard([runKey(run)], false);
    }),
    vscode.commands.registerCommand('contrastiveLab.compareRuns', async (arg: unknown, selection: unknown) => {
      const picked = await resolveRuns(runs, arg, selection ?? treeView.selection, 'Pick the runs to overlay in the dashboard');
      if (picked.length > 0) await showDashboard(picked.map(runKey), false);
    }),
    vscode.commands.registerCommand('contrastiveLab.openExperiments', async () => (await experimentsPanel()).ExperimentsPanel.show(experimentsHooks)),
    vscode.commands.registerCommand('contrastiveLab.showNeighbours', async (arg: unknown) => {
      const run = await resolveRun(runs, arg, 'Show the neighbours in which run?', withEmbeddings);
      if (run) await openWhenEmbedded(run, () => showGallery(runKey(run), undefined));
    }),
    vscode.commands.registerCommand('contrastiveLab.findSimilarInRun', (arg: unknown) =>
      findSimilarInRun({ runs, open: async (key, file) => (await galleryPanel()).GalleryPanel.showFileQuery(hooks, gallerySources, key, file), whenEmbedded: openWhenEmbedded }, arg),
    ),
    vscode.commands.registerCommand('contrastiveLab.openEmbeddingMap', async (arg: unknown) => {
      const run = await resolveRun(runs, arg, 'Map the embeddings of which run?', withEmbeddings);
      if (run) await openWhenEmbedded(run, () => showMap(runKey(run)));
    }),
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, { deserializeWebviewPanel: async (panel, state) => (await dashboardPanel()).DashboardPanel.revive(panel, hooks, state) }),
    vscode.window.registerWebviewPanelSerializer(GALLERY_VIEW_TYPE, { deserializeWebviewPanel: async (panel, state) => (await galleryPanel()).GalleryPanel.revive(panel, hooks, gallerySources, state) }),
    vscode.window.registerWebviewPanelSerializer(EXPERIMENTS_VIEW_TYPE, { deserializeWebviewPanel: async (panel) => (await experimentsPanel()).ExperimentsPanel.revive(panel, experimentsHooks) }),
    vscode.window.registerWebviewPanelSerializer(MAP_VIEW_TYPE, { deserializeWebviewPanel: async (panel, state) => (await mapPanel()).MapPanel.revive(panel, hooks, mapSources, state) }),
    // The watcher and the status bar start once someone looks at runs: the view or any run event.
    treeView.onDidChangeVisibility((e) => {
      if (e.visible) ensureStatusBar();
    }),
    runs.onDidChange(ensureStatusBar),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsLabSettings(e)) runs.setFolder(readSettings().runsFolder);
    }),
  );
  if (treeView.visible) ensureStatusBar();
  // A reload re-attaches to runs still training: when a runs folder exists, look at it now so
  // their progress shows at once; otherwise the watcher waits for the view or a command.
  const folder = runs.folder;
  if (folder !== undefined && fs.existsSync(folder)) {
    setTimeout(() => {
      runs.refreshAll();
      ensureStatusBar();
    }, 0);
  }
  void markSpecFilesPresent();
}

async function openWhenEmbedded(run: { name: string; hasEmbeddings: boolean; dir: string }, open: () => Promise<void>): Promise<void> {
  if (run.hasEmbeddings) {
    await open();
    return;
  }
  void vscode.window.showInformationMessage(`Contrastive Lab: run "${run.name}" has no embeddings yet: they are written when training completes (or run \`contrastive-lab embed ${path.basename(run.dir)}\`).`);
}

/** Shows Start Run in the palette when the workspace holds a spec even if none is the active editor. */
async function markSpecFilesPresent(): Promise<void> {
  const found = await vscode.workspace.findFiles('**/*.contrastive.{yaml,yml,json}', '**/node_modules/**', 1);
  await vscode.commands.executeCommand('setContext', 'contrastiveLab.hasSpecFiles', found.length > 0);
}
