// The PyTorch engine from the editor: which interpreter it runs on (contrastiveLab.pythonPath, else
// the Python extension's active interpreter, else the CLI's own lookup: env CONTRASTIVE_LAB_PYTHON,
// /usr/bin/python3, python3), and whether that interpreter has torch — checked before a run starts,
// so a missing or too old torch is a message with the install command, not a failed run.
import * as vscode from 'vscode';
import { choosePython, installCommand, probeTorch, PythonEngineError } from '../../server/trainer/engines/python';

/** The part of ms-python.python's public API used here (`environments`, @vscode/python-extension). */
interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { readonly id: string; readonly path: string };
  resolveEnvironment(environment: { readonly id: string; readonly path: string }): Promise<{ readonly executable: { readonly uri: vscode.Uri | undefined } } | undefined>;
}

/** The interpreter to pass to the CLI, or undefined to leave the choice to its own lookup. */
export async function pythonForRun(setting: string, resource: vscode.Uri | undefined, log: (line: string) => void): Promise<string | undefined> {
  if (setting.trim() !== '') return setting.trim();
  return activeInterpreter(resource, log);
}

async function activeInterpreter(resource: vscode.Uri | undefined, log: (line: string) => void): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension('ms-python.python');
  if (extension === undefined) return undefined;
  try {
    const api: unknown = extension.isActive ? extension.exports : await extension.activate();
    const environments = (api as { environments?: PythonEnvironmentsApi } | undefined)?.environments;
    if (environments === undefined) return undefined;
    const active = environments.getActiveEnvironmentPath(resource);
    const executable = (await environments.resolveEnvironment(active))?.executable.uri?.fsPath;
    if (executable === undefined) log(`PyTorch engine: the Python extension's active environment ${active.path} has no interpreter to run; using the default lookup. Set contrastiveLab.pythonPath to choose one.`);
    return executable;
  } catch (e) {
    // An older or broken Python extension must not stop a run: fall back to the default lookup.
    log(`PyTorch engine: could not ask the Python extension for its interpreter (${(e as Error).message}); using the default lookup.`);
    return undefined;
  }
}

/** Interpreters that imported a recent enough torch in this window (the CLI still checks each run). */
const verified = new Set<string>();

/**
 * True when `python` (undefined: the CLI's default) imports torch ≥ 1.13. Otherwise shows the
 * reason with the install command — type it in a terminal, copy it, or pick another interpreter —
 * and resolves false, before anything is started.
 */
export async function torchReady(python: string | undefined, log: (line: string) => void): Promise<boolean> {
  const interpreter = choosePython(python ?? null);
  if (verified.has(interpreter)) return true;
  try {
    const version = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Contrastive Lab: checking ${interpreter} for torch` }, () => probeTorch(interpreter));
    verified.add(interpreter);
    log(`PyTorch engine: ${interpreter} has torch ${version}`);
    return true;
  } catch (e) {
    if (!(e instanceof PythonEngineError)) throw e;
    log(`PyTorch engine: ${e.message}`);
    void offerInstall(interpreter, e.message);
    return false;
  }
}

async function offerInstall(python: string, message: string): Promise<void> {
  const command = installCommand(python);
  const inTerminal = 'Install in Terminal';
  const copy = 'Copy Install Command';
  const choose = 'Set Python Path';
  const choice = await vscode.window.showErrorMessage(`Contrastive Lab: ${message} Install command: ${command}`, inTerminal, copy, choose);
  if (choice === inTerminal) {
    // Typed, not run: the user reads it (it may ask for sudo) and presses Enter.
    const terminal = vscode.window.createTerminal({ name: 'Contrastive Lab: install torch' });
    terminal.show();
    terminal.sendText(command, false);
  } else if (choice === copy) {
    await vscode.env.clipboard.writeText(command);
    void vscode.window.showInformationMessage(`Contrastive Lab: copied \`${command}\`; run it in a terminal, then start the run again.`);
  } else if (choice === choose) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'contrastiveLab.pythonPath');
  }
}
