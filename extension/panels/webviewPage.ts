// Shared set-up of every Contrastive Lab webview: the options that confine it (scripts on, local
// resources only from the extension's webview assets and the runs folder) and its HTML page
// (webview/html.ts builds it; we supply the CSP source, a fresh nonce and the asWebviewUri links).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { panelHtml } from '../../webview/html';
import type { PanelKind } from '../../webview/protocol';

export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

export function webviewOptions(extensionUri: vscode.Uri, runsFolder: string | undefined): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  const roots = [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'webview', 'styles')];
  if (runsFolder !== undefined) roots.push(vscode.Uri.file(runsFolder));
  return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: roots };
}

/** Applies webviewOptions to a panel VS Code restored after a reload. */
export function confine(webview: vscode.Webview, extensionUri: vscode.Uri, runsFolder: string | undefined): void {
  const { enableScripts, localResourceRoots } = webviewOptions(extensionUri, runsFolder);
  webview.options = { enableScripts, localResourceRoots };
}

export function renderPage(webview: vscode.Webview, extensionUri: vscode.Uri, kind: PanelKind, title: string): void {
  const asset = (...segments: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
  webview.html = panelHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: asset('dist', 'webview', `${kind}.js`),
    styleUri: asset('webview', 'styles', 'panels.css'),
    title,
  });
}

/** Writes bytes the webview asked to export (PNG or CSV) where the user chooses. */
export async function saveExport(fileName: string, bytes: Uint8Array, defaultFolder: string | undefined, log: (line: string) => void): Promise<void> {
  const filters: Record<string, string[]> = fileName.toLowerCase().endsWith('.png') ? { 'PNG image': ['png'] } : { 'CSV table': ['csv'] };
  const defaultUri = defaultFolder !== undefined ? vscode.Uri.file(`${defaultFolder}/${fileName}`) : undefined;
  const target = await vscode.window.showSaveDialog({ defaultUri, filters, saveLabel: 'Export' });
  if (!target) return;
  try {
    await vscode.workspace.fs.writeFile(target, bytes);
    log(`exported ${target.fsPath}`);
    void vscode.window.showInformationMessage(`Contrastive Lab: saved ${target.fsPath}`);
  } catch (e) {
    void vscode.window.showErrorMessage(`Contrastive Lab: could not write ${target.fsPath}: ${(e as Error).message}`);
  }
}
