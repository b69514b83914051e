// Re-run and Edit and Run, the Experiments table's row actions: a new queued run of the spec a run
// trained (server/runs/rerun.ts), with values the user picks path by path — each value checked
// against its path's schema while it is typed, the whole spec by the spec pipeline before the run
// folder is created — then the run queue starts it (or the running queue picks it up).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunSummary } from '../../server/runs/reader';
import { readQueue, runnerAlive } from '../../server/runs/queue/queueFile';
import {
  changeProblems, editablePaths, editedSpec, parseValueText, pathChoice, queueRerun, readRerunSource, RerunError, valueAsText, valueAt,
  type QueuedRerun, type RerunSource,
} from '../../server/runs/rerun';
import { ensureTrusted } from '../commands/trust';

type Changes = Record<string, unknown>;

/** The queue starts the new run: started here when no runner is working on the folder. */
async function startQueue(root: string, queued: readonly QueuedRerun[]): Promise<void> {
  const names = queued.map((q) => q.id).join(', ');
  const warnings = queued.flatMap((q) => q.warnings.map((w) => w.message));
  if (warnings.length > 0) void vscode.window.showWarningMessage(`Contrastive Lab: ${names}: ${warnings.join(' ')}`);
  if (runnerAlive(readQueue(root).runner)) {
    const waiting = readQueue(root).entries.filter((e) => e.state === 'waiting').length;
    void vscode.window.showInformationMessage(`Contrastive Lab: queued ${names}; the running queue starts ${queued.length === 1 ? 'it' : 'them'} (${waiting} waiting).`);
    return;
  }
  await vscode.commands.executeCommand('contrastiveLab.startQueue');
}

/** Re-run: each run's spec.json again, unchanged, as a new run. */
export async function rerunRuns(runs: readonly RunSummary[]): Promise<void> {
  if (runs.length === 0 || !(await ensureTrusted('re-run a run'))) return;
  const queued: QueuedRerun[] = [];
  for (const run of runs) {
    try {
      queued.push(queueRerun(readRerunSource(run.dir), {}));
    } catch (e) {
      void vscode.window.showErrorMessage(`Contrastive Lab: could not re-run "${run.name}": ${(e as Error).message}`);
    }
  }
  if (queued.length > 0) await startQueue(path.dirname(queued[0]!.dir), queued);
}

type ParameterItem = vscode.QuickPickItem & { readonly path?: string; readonly start?: true };

function separator(label: string): ParameterItem {
  return { label, kind: vscode.QuickPickItemKind.Separator };
}

function changesText(changes: Changes): string {
  return Object.entries(changes).map(([k, v]) => `${k} = ${valueAsText(v)}`).join(', ');
}

/** Start (once something changed), then the changed paths, the paths that differ between the table's runs, and every other path. */
function parameterItems(source: RerunSource, changes: Changes, suggested: readonly string[]): ParameterItem[] {
  const editable = editablePaths(source, changes);
  const current = editedSpec(source, changes);
  const item = (p: string): ParameterItem => {
    const was = valueAt(source.value, p);
    const now = valueAt(current, p);
    const text = (v: unknown): string => (v === undefined ? '(not set)' : valueAsText(v));
    return { label: p, path: p, description: p in changes ? `${text(was)} → ${text(now)}` : text(now) };
  };
  const changed = Object.keys(changes);
  const differing = suggested.filter((p) => editable.includes(p) && !changed.includes(p));
  const rest = editable.filter((p) => !changed.includes(p) && !differing.includes(p));
  const count = changed.length;
  return [
    ...(count > 0 ? [{ label: '$(play) Start the run', start: true as const, description: `${count} change${count === 1 ? '' : 's'}: ${changesText(changes)}`, alwaysShow: true }] : []),
    ...(count > 0 ? [separator('changed'), ...changed.map(item)] : []),
    ...(differing.length > 0 ? [separator('differ between the runs in the table'), ...differing.map(item)] : []),
    separator('every parameter'),
    ...rest.map(item),
  ];
}

/** The new value of one path: picked from its list, or typed and checked against its schema as it is typed. Undefined when cancelled. */
async function askValue(source: RerunSource, changes: Changes, dotted: string): Promise<{ value: unknown } | undefined> {
  const others = Object.fromEntries(Object.entries(changes).filter(([k]) => k !== dotted));
  const current = valueAt(editedSpec(source, changes), dotted);
  const choice = pathChoice(source, others, dotted);
  const title = `Edit and run ${source.runId}: ${dotted}`;
  if (choice.values !== null) {
    const picked = await vscode.window.showQuickPick(
      choice.values.map((c) => ({ label: valueAsText(c.value), description: JSON.stringify(c.value) === JSON.stringify(current) ? '(current)' : '', detail: c.description || undefined, value: c.value })),
      { title, placeHolder: choice.description },
    );
    return picked === undefined ? undefined : { value: picked.value };
  }
  const text = await vscode.window.showInputBox({
    title,
    prompt: `${choice.description} Type YAML: 0.2, true, a word, [32, 64], {type: cosine}.`.trim(),
    value: current === undefined ? '' : valueAsText(current),
    validateInput: (typed) => {
      const parsed = parseValueText(typed);
      if ('error' in parsed) return parsed.error;
      const problems = changeProblems(source, others, dotted, parsed.value);
      return problems.length > 0 ? problems.join('\n') : undefined;
    },
  });
  if (text === undefined) return undefined;
  const parsed = parseValueText(text);
  return 'value' in parsed ? { value: parsed.value } : undefined;
}

/**
 * Edit and Run: pick a parameter, give its value, repeat; "Start the run" checks the whole edited
 * spec with the spec pipeline and queues it. An invalid spec shows the pipeline's messages and
 * returns to the list with the changes kept.
 */
export async function editAndRun(run: RunSummary, suggested: readonly string[]): Promise<void> {
  if (!(await ensureTrusted('start a run'))) return;
  let source: RerunSource;
  try {
    source = readRerunSource(run.dir);
  } catch (e) {
    void vscode.window.showErrorMessage(`Contrastive Lab: cannot edit and run "${run.name}": ${(e as Error).message}`);
    return;
  }
  const changes: Changes = {};
  for (;;) {
    const picked = await vscode.window.showQuickPick(parameterItems(source, changes, suggested), {
      title: `Edit and run ${run.name} (${source.runId})`,
      placeHolder: Object.keys(changes).length === 0 ? 'Pick a parameter to change (type to search the spec paths)' : 'Pick another parameter, or Start the run',
      matchOnDescription: true,
    });
    if (picked === undefined) return;
    if (picked.start) {
      try {
        await startQueue(path.dirname(run.dir), [queueRerun(source, changes)]);
        return;
      } catch (e) {
        if (!(e instanceof RerunError)) throw e;
        const again = await vscode.window.showErrorMessage(`The edited spec of "${run.name}" is not valid; nothing was started.`, { modal: true, detail: e.message }, 'Edit Again');
        if (again !== 'Edit Again') return;
        continue;
      }
    }
    if (picked.path === undefined) continue;
    const answer = await askValue(source, changes, picked.path);
    if (answer === undefined) continue;
    // Back to the value the run trained: no longer a change.
    if (JSON.stringify(answer.value) === JSON.stringify(valueAt(source.value, picked.path))) delete changes[picked.path];
    else changes[picked.path] = answer.value;
  }
}
