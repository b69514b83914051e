// Spec problems as LSP diagnostics: the rule id is the code and links to the rule's documentation,
// conflicts carry related locations, deprecated/unused options carry tags.

import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { SpecProblem } from '../spec/problems';

export const RULES_DOC_URL = 'https://github.com/contrastive-lab/contrastive-lab/blob/main/docs/rules.md';
export const DIAGNOSTIC_SOURCE = 'contrastive-lab';

/** The anchor of a rule's section in docs/rules.md (GitHub's heading slug rules). */
export function ruleAnchor(ruleId: string): string {
  if (ruleId.startsWith('schema/')) return 'schema-problems';
  return ruleId.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
}

export function ruleDocUrl(ruleId: string): string {
  return `${RULES_DOC_URL}#${ruleAnchor(ruleId)}`;
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function toDiagnostic(problem: SpecProblem, uri: string): Diagnostic {
  const tags = problem.tags.map((t) => (t === 'deprecated' ? DiagnosticTag.Deprecated : DiagnosticTag.Unnecessary));
  return {
    range: { start: { ...problem.range.start }, end: { ...problem.range.end } },
    severity: SEVERITY[problem.severity],
    code: problem.ruleId,
    codeDescription: { href: ruleDocUrl(problem.ruleId) },
    source: DIAGNOSTIC_SOURCE,
    message: problem.message,
    tags: tags.length > 0 ? tags : undefined,
    relatedInformation:
      problem.related.length > 0 ? problem.related.map((r) => ({ location: { uri, range: { start: { ...r.range.start }, end: { ...r.range.end } } }, message: r.message })) : undefined,
  };
}

/** Whether a diagnostic sent back by the client (in a code action request) is this problem's. */
export function sameProblem(diagnostic: Diagnostic, problem: SpecProblem): boolean {
  return (
    diagnostic.code === problem.ruleId &&
    diagnostic.message === problem.message &&
    diagnostic.range.start.line === problem.range.start.line &&
    diagnostic.range.start.character === problem.range.start.character
  );
}
