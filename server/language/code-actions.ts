// Quick fixes: each problem's machine-applicable fixes from the pipeline (rule fixes, "did you
// mean", add `type`/`experiment`), plus the editor-only ones: remove an unknown key and add a
// missing required option.

import { CodeActionKind, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver';
import type { SpecDocument } from '../spec/document';
import { fix, removeField, setField } from '../spec/edits';
import type { FieldPath, SpecFix, SpecProblem, TextEdit } from '../spec/problems';
import { sameProblem, toDiagnostic } from './diagnostics';
import { typeInValue, type SchemaModel } from './schema-model';

function overlaps(a: Range, b: Range): boolean {
  const startsAfter = a.start.line > b.end.line || (a.start.line === b.end.line && a.start.character > b.end.character);
  const endsBefore = a.end.line < b.start.line || (a.end.line === b.start.line && a.end.character < b.start.character);
  return !startsAfter && !endsBefore;
}

export function codeActionsFor(
  uri: string,
  document: SpecDocument,
  problems: readonly SpecProblem[],
  model: SchemaModel,
  range: Range,
  contextDiagnostics: readonly Diagnostic[],
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const problem of problems) {
    const echoed = contextDiagnostics.find((d) => sameProblem(d, problem));
    if (echoed === undefined && !overlaps(problem.range, range)) continue;
    const fixes = [...problem.fixes, ...editorFixes(document, problem, model)];
    const diagnostic = echoed ?? toDiagnostic(problem, uri);
    fixes.forEach((specFix, i) => {
      actions.push({
        title: specFix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: i === 0 && problem.fixes.length > 0 ? true : undefined,
        edit: { changes: { [uri]: specFix.edits.map((e) => ({ range: { start: { ...e.range.start }, end: { ...e.range.end } }, newText: e.newText })) } },
      });
    });
  }
  return actions;
}

function editorFixes(document: SpecDocument, problem: SpecProblem, model: SchemaModel): SpecFix[] {
  if (problem.ruleId === 'schema/additionalProperties' && typeof problem.path[problem.path.length - 1] === 'string') {
    const key = String(problem.path[problem.path.length - 1]);
    return fix(`Remove unknown option \`${key}\``, removeEntry(document, problem.path));
  }
  if (problem.ruleId === 'schema/required' && /`type`/.test(problem.message)) return typeChoices(document, problem, model);
  if (problem.ruleId === 'schema/type') {
    // `loss: infoNCE` means `loss: { type: infoNCE }`.
    const written = valueAt(document.value, problem.path);
    const schema = model.schemaAt(problem.path, (p) => typeInValue(document.value, p));
    if (typeof written === 'string' && model.branchFor(schema, written) !== undefined) {
      return fix(`Write it as \`{ type: ${written} }\``, setField(document, problem.path, { type: written }));
    }
    return [];
  }
  if (problem.ruleId === 'schema/required' && problem.fixes.length === 0) {
    const missing = /option `([^`]+)`/.exec(problem.message)?.[1];
    if (missing === undefined) return [];
    const path = [...problem.path, missing];
    const schema = model.schemaAt(path, (p) => typeInValue(document.value, p));
    const value = model.defaultOf(schema) ?? model.resolve(schema)?.examples?.[0] ?? model.literalValues(schema)[0]?.value;
    if (value === undefined) return [];
    return fix(`Add the required option \`${missing}\``, setField(document, path, value));
  }
  return [];
}

/** For an ingredient without `type`: one fix per type whose options include every key already written. */
function typeChoices(document: SpecDocument, problem: SpecProblem, model: SchemaModel): SpecFix[] {
  const written = valueAt(document.value, problem.path);
  if (written === null || typeof written !== 'object' || Array.isArray(written)) return [];
  const keys = Object.keys(written);
  const taken = new Set(problem.fixes.map((f) => f.title));
  const branches = model.branchesOf(model.schemaAt(problem.path, (p) => typeInValue(document.value, p))) ?? [];
  const fitting = branches.filter((b) => keys.every((k) => k in (b.schema.properties ?? {})));
  return fitting
    .slice(0, MAX_TYPE_CHOICES)
    .flatMap((b) => fix(`Add \`type: ${b.value}\``, setField(document, [...problem.path, 'type'], b.value)))
    .filter((f) => !taken.has(f.title));
}

const MAX_TYPE_CHOICES = 6;

function valueAt(root: unknown, path: FieldPath): unknown {
  let node: unknown = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** Deletes a key and its value: whole lines in block YAML, the entry and one comma in flow YAML/JSON. */
function removeEntry(document: SpecDocument, path: FieldPath): TextEdit[] | undefined {
  const block = removeField(document, path);
  if (block !== undefined) return block;
  const keyRange = document.keyRangeOf(path);
  const valueRange = document.rangeOf(path);
  if (keyRange === undefined || valueRange === undefined) return undefined;
  const text = document.text;
  let start = document.offsetAt(keyRange.start);
  let end = document.offsetAt(valueRange.end);
  if (text[start] !== '"' && text[start - 1] === '"') start--;
  const following = /^\s*,[ \t]*/.exec(text.slice(end));
  if (following) {
    end += following[0].length;
    // An entry on lines of its own takes those lines with it.
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const rest = /^[ \t]*\r?\n/.exec(text.slice(end));
    if (rest && text.slice(lineStart, start).trim() === '') {
      start = lineStart;
      end += rest[0].length;
    }
  } else {
    const preceding = /,\s*$/.exec(text.slice(0, start));
    if (preceding) start -= preceding[0].length;
  }
  return [{ range: { start: document.positionAt(start), end: document.positionAt(end) }, newText: '' }];
}
