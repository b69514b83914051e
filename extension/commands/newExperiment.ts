// New Experiment: copy one of the bundled examples (examples/*.contrastive.yaml) into the
// workspace under a new name and open it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXPERIMENT_NAME, exampleSummary, renameExperiment } from './exampleTemplate';

export async function newExperiment(context: vscode.ExtensionContext): Promise<void> {
  const examplesDir = context.asAbsolutePath('examples');
  let files: string[] = [];
  try {
    files = fs.readdirSync(examplesDir).filter((f) => /\.contrastive\.(ya?ml|json)$/.test(f)).sort();
  } catch {
    files = [];
  }
  if (files.length === 0) {
    void vscode.window.showErrorMessage(`Contrastive Lab: no example specs found in ${examplesDir}; the extension's installation looks incomplete. Reinstall it.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    files.map((file) => ({ label: file.replace(/\.contrastive\.(ya?ml|json)$/, ''), description: exampleSummary(fs.readFileSync(path.join(examplesDir, file), 'utf8')), file })),
    { placeHolder: 'Start from which example?', matchOnDescription: true },
  );
  if (!picked) return;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) {
    void vscode.window.showErrorMessage('Contrastive Lab: open a folder first; the new spec is written into the workspace.');
    return;
  }
  const extension = /\.contrastive\.(ya?ml|json)$/.exec(picked.file)?.[0] ?? '.contrastive.yaml';
  const name = await vscode.window.showInputBox({
    prompt: `Name of the new experiment (file <name>${extension} in ${folder})`,
    value: `my-${picked.label}`,
    validateInput: (value) => {
      if (!EXPERIMENT_NAME.test(value)) return 'Use letters, digits, "-", "_" or "." and start with a letter or digit.';
      return fs.existsSync(path.join(folder, `${value}${extension}`)) ? `${value}${extension} already exists; choose another name.` : undefined;
    },
  });
  if (!name) return;
  const target = path.join(folder, `${name}${extension}`);
  const source = fs.readFileSync(path.join(examplesDir, picked.file), 'utf8');
  const text = extension === '.contrastive.json' ? source : renameExperiment(source, name);
  fs.writeFileSync(target, text, { flag: 'wx' });
  await vscode.window.showTextDocument(vscode.Uri.file(target));
}
