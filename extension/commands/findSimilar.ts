// Explorer → right-click an image → "Find Similar in Run…": pick a run with embeddings, and the
// gallery opens with that image as the query (the search itself is `contrastive-lab search`).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IMAGE_EXTENSIONS } from '../../server/contrastive/data/imageFiles';
import type { RunSummary } from '../../server/runs/reader';
import type { RunService } from '../runs/runService';
import { resolveRun, runKey } from './runArgument';

export interface FindSimilarDeps {
  readonly runs: RunService;
  /** Opens the gallery of run `key` with `file` as the query. */
  readonly open: (key: string, file: string) => Promise<void>;
  /** Waits until the run's embeddings exist (a running run writes them when it ends), then calls `then`. */
  readonly whenEmbedded: (run: RunSummary, then: () => Promise<void>) => Promise<void>;
}

/** The file the command was invoked on: the Explorer's resource, else the active editor's file. */
function targetFile(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri && arg.scheme === 'file') return arg.fsPath;
  const active = vscode.window.activeTextEditor?.document.uri ?? (vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined)?.uri;
  return active?.scheme === 'file' ? active.fsPath : undefined;
}

export async function findSimilarInRun(deps: FindSimilarDeps, arg: unknown): Promise<void> {
  const file = targetFile(arg);
  if (file === undefined || !IMAGE_EXTENSIONS.includes(path.extname(file).toLowerCase())) {
    void vscode.window.showInformationMessage(`Contrastive Lab: Find Similar in Run… needs an image file (${IMAGE_EXTENSIONS.join(', ')}); right-click one in the Explorer.`);
    return;
  }
  const run = await resolveRun(deps.runs, undefined, `Find images similar to ${path.basename(file)} in which run?`, (r) => r.hasEmbeddings);
  if (run) await deps.whenEmbedded(run, () => deps.open(runKey(run), file));
}
