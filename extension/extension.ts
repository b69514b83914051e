// Contrastive Lab's VS Code client. Activation only registers things; the language client starts
// with the first spec file, and the run watcher, trainer sessions and status bar with the first
// look at the runs (the Runs view or a command). Everything is a disposable on the context.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { newExperiment } from './commands/newExperiment';
import { resolveRun, resolveRuns, runKey } from './commands/runArgument';
import { RunCommands } from './commands/runCommands';
import { SpecLanguageClient } from './language/specLanguageClient';
import { DASHBOARD_VIEW_TYPE, DashboardPanel, type PanelHooks } from './panels/dashboardPanel';
import { GALLERY_VIEW_TYPE, GalleryPanel, type GallerySources } from './panels/galleryPanel';
import { MAP_VIEW_TYPE, MapPanel } from './panels/mapPanel';
import { EmbeddingsCache } from './runs/runEmbeddings';
import { RunService } from './runs/runService';
import { affectsLabSettings, readSettings } from './settings';
import { neighboursServeInvocation } from './trainer/trainerCommand';
import { TrainerSessions } from './trainer/trainerSessions';
import { RunsTreeProvider } from './views/runsTree';
import { RunStatusBar } from './views/statusBar';

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
    openGallery: (key, query) => GalleryPanel.show(hooks, gallerySources, key, query),
    openMap: (key) => MapPanel.show(hooks, embeddings, key),
  };
  const showDashboard = (keys: readonly string[], preserveFocus: boolean): void => DashboardPanel.show(hooks, keys, preserveFocus);
  const runCommands = new RunCommands({ context, runs, sessions, log, showDashboard });
  // The gallery's neighbour search runs the CLI with the same node and backend settings as training.
  const gallerySources: GallerySources = { embeddings, neighbourSearch: (runDir) => neighboursServeInvocation(runCommands.environment(runs.folder ?? path.dirname(runDir)), runDir) };
  const withEmbeddings = (r: { hasEmbeddings: boolean }): boolean => r.hasEmbeddings;

  let statusBar: RunStatusBar | undefined;
  const ensureStatusBar = (): void => {
    statusBar ??= new RunStatusBar(runs);
  };

  context.subscriptions.push(
    log,
    runs,
    tree,
    treeView,
    { dispose: () => sessions.dispose() },
    { dispose: () => statusBar?.dispose() },
    new SpecLanguageClient(context),
    ...runCommands.register(),
    vscode.commands.registerCommand('contrastiveLab.newExperiment', () => newExperiment(context)),
    vscode.commands.registerCommand('contrastiveLab.openDashboard', async (arg: unknown) => {
      const run = await resolveRun(runs, arg, 'Open the dashboard of which run?');
      if (run) showDashboard([runKey(run)], false);
    }),
    vscode.commands.registerCommand('contrastiveLab.compareRuns', async (arg: unknown, selection: unknown) => {
      const picked = await resolveRuns(runs, arg, selection ?? treeView.selection, 'Pick the runs to overlay in the dashboard');
      if (picked.length > 0) showDashboard(picked.map(runKey), false);
    }),
    vscode.commands.registerCommand('contrastiveLab.showNeighbours', async (arg: unknown) => {
      const run = await resolveRun(runs, arg, 'Show the neighbours in which run?', withEmbeddings);
      if (run) openWhenEmbedded(run, () => GalleryPanel.show(hooks, gallerySources, runKey(run), undefined));
    }),
    vscode.commands.registerCommand('contrastiveLab.openEmbeddingMap', async (arg: unknown) => {
      const run = await resolveRun(runs, arg, 'Map the embeddings of which run?', withEmbeddings);
      if (run) openWhenEmbedded(run, () => MapPanel.show(hooks, embeddings, runKey(run)));
    }),
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, { deserializeWebviewPanel: async (panel, state) => DashboardPanel.revive(panel, hooks, state) }),
    vscode.window.registerWebviewPanelSerializer(GALLERY_VIEW_TYPE, { deserializeWebviewPanel: async (panel, state) => GalleryPanel.revive(panel, hooks, gallerySources, state) }),
    vscode.window.registerWebviewPanelSerializer(MAP_VIEW_TYPE, { deserializeWebviewPanel: async (panel, state) => MapPanel.revive(panel, hooks, embeddings, state) }),
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

function openWhenEmbedded(run: { name: string; hasEmbeddings: boolean; dir: string }, open: () => void): void {
  if (run.hasEmbeddings) {
    open();
    return;
  }
  void vscode.window.showInformationMessage(`Contrastive Lab: run "${run.name}" has no embeddings yet: they are written when training completes (or run \`contrastive-lab embed ${path.basename(run.dir)}\`).`);
}

/** Shows Start Run in the palette when the workspace holds a spec even if none is the active editor. */
async function markSpecFilesPresent(): Promise<void> {
  const found = await vscode.workspace.findFiles('**/*.contrastive.{yaml,yml,json}', '**/node_modules/**', 1);
  await vscode.commands.executeCommand('setContext', 'contrastiveLab.hasSpecFiles', found.length > 0);
}
