// Quick fixes: each problem's machine-applicable fixes (rule fixes, "did you mean", add a missing
// required field, remove an unknown key) as code actions on the diagnostics in the requested range.

import { CodeActionKind, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver';
import type { SpecProblem } from '../spec/problems';
import { sameProblem, toDiagnostic } from './diagnostics';

function overlaps(a: Range, b: Range): boolean {
  const startsAfter = a.start.line > b.end.line || (a.start.line === b.end.line && a.start.character > b.end.character);
  const endsBefore = a.end.line < b.start.line || (a.end.line === b.start.line && a.end.character < b.start.character);
  return !startsAfter && !endsBefore;
}

export function codeActionsFor(uri: string, problems: readonly SpecProblem[], range: Range, contextDiagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const problem of problems) {
    if (problem.fixes.length === 0) continue;
    const echoed = contextDiagnostics.find((d) => sameProblem(d, problem));
    if (echoed === undefined && !overlaps(problem.range, range)) continue;
    const diagnostic = echoed ?? toDiagnostic(problem, uri);
    problem.fixes.forEach((fix, i) => {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: i === 0 && problem.fixes.length === 1 ? true : undefined,
        edit: { changes: { [uri]: fix.edits.map((e) => ({ range: { start: { ...e.range.start }, end: { ...e.range.end } }, newText: e.newText })) } },
      });
    });
  }
  return actions;
}
