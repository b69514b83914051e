// Training runs code on data from the workspace, so an untrusted workspace gets editing help only.
import * as vscode from 'vscode';

/** True when training may start; otherwise explains why not and offers to manage trust. */
export async function ensureTrusted(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showWarningMessage(
    `Contrastive Lab: cannot ${action} in an untrusted workspace. Training reads data and runs a trainer process from this folder; checking, completion and hovers keep working. Trust the workspace to train.`,
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
