// Typed access to the contrastiveLab.* settings.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isBackendRequest } from '../server/contrastive/backend.decl';
import { isEngine, type Engine } from '../server/contrastive/declare';
import type { BackendSetting } from './trainer/trainerCommand';

export interface LabSettings {
  /** Absolute runs folder, or undefined when there is no workspace folder to resolve a relative one against. */
  readonly runsFolder: string | undefined;
  readonly maxConcurrentRuns: number;
  readonly backend: BackendSetting;
  readonly nodePath: string;
  /** The engine for a spec that names none in run.engine (the spec wins when it does). */
  readonly engine: Engine;
  /** The PyTorch engine's interpreter; empty: the Python extension's, else the CLI's lookup. */
  readonly pythonPath: string;
}

export function readSettings(): LabSettings {
  const config = vscode.workspace.getConfiguration('contrastiveLab');
  const folder = config.get<string>('runsFolder', 'runs').trim() || 'runs';
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const runsFolder = path.isAbsolute(folder) ? folder : root !== undefined ? path.join(root, folder) : undefined;
  const backend = config.get<string>('backend', 'auto');
  const engine = config.get<string>('engine', 'tfjs');
  return {
    runsFolder,
    maxConcurrentRuns: Math.max(1, Math.floor(config.get<number>('maxConcurrentRuns', 1))),
    backend: isBackendRequest(backend) ? backend : 'auto',
    nodePath: config.get<string>('nodePath', ''),
    engine: isEngine(engine) ? engine : 'tfjs',
    pythonPath: config.get<string>('pythonPath', ''),
  };
}

export function affectsLabSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('contrastiveLab');
}
