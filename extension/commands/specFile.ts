// Which spec file a command acts on: the argument (a Uri, or a URI string from the CodeLens),
// else the active editor's spec, else one the user picks from the workspace.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SPEC_FILE_PATTERN } from '../language/specLanguageClient';

function toUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.length > 0) return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  if (typeof arg === 'object' && arg !== null && 'uri' in arg) return toUri((arg as { uri: unknown }).uri);
  return undefined;
}

export async function resolveSpecFile(arg: unknown): Promise<vscode.Uri | undefined> {
  const given = toUri(arg);
  if (given) return given;
  const active = vscode.window.activeTextEditor?.document;
  if (active && SPEC_FILE_PATTERN.test(active.fileName)) return active.uri;
  const found = await vscode.workspace.findFiles('**/*.contrastive.{yaml,yml,json}', '**/node_modules/**', 200);
  if (found.length === 0) {
    void vscode.window.showInformationMessage('Contrastive Lab: open a spec file (*.contrastive.yaml, .yml or .json) to run it, or create one with "Contrastive Lab: New Experiment".');
    return undefined;
  }
  if (found.length === 1) return found[0];
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: 'Which experiment spec should run?' },
  );
  return picked?.uri;
}

/** Saves the spec if it has unsaved edits, so the trainer reads what the user sees. */
export async function saveIfDirty(uri: vscode.Uri): Promise<void> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc?.isDirty) await doc.save();
}
