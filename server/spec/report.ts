// Turns "what is wrong, where" into a SpecProblem, locating fields that are not written in the file
// (defaults) at the nearest ancestor that is.
import type { SpecDocument } from './document';
import type { FieldPath, Range, RelatedLocation, Severity, SpecFix, SpecProblem } from './problems';

export interface ProblemInput {
  readonly path: FieldPath;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  /** Where to point; by default the value at `path` (or its nearest written ancestor's key). */
  readonly range?: Range;
  /** Point at the key rather than the value. */
  readonly onKey?: boolean;
  readonly fixes?: readonly SpecFix[];
  readonly related?: readonly RelatedLocation[];
  readonly tags?: readonly ('deprecated' | 'unnecessary')[];
}

export function makeProblem(document: SpecDocument, input: ProblemInput): SpecProblem {
  const range = input.range ?? locate(document, input.path, input.onKey ?? false);
  return {
    file: document.file,
    line: range.start.line + 1,
    column: range.start.character + 1,
    range,
    path: input.path,
    ruleId: input.ruleId,
    severity: input.severity,
    message: input.message,
    fixes: input.fixes ?? [],
    related: input.related ?? [],
    tags: input.tags ?? [],
  };
}

/**
 * The range to underline for `path`: its value when written; otherwise the key of the deepest
 * written ancestor (a default that conflicts is reported where the user can override it); the
 * first line when nothing of the path is written.
 */
export function locate(document: SpecDocument, path: FieldPath, onKey = false): Range {
  if (document.has(path)) {
    const range = onKey ? (document.keyRangeOf(path) ?? document.rangeOf(path)) : document.rangeOf(path);
    if (range) return range;
  }
  for (let n = path.length - 1; n >= 1; n--) {
    const ancestor = path.slice(0, n);
    if (document.has(ancestor)) {
      const range = document.keyRangeOf(ancestor) ?? document.rangeOf(ancestor);
      if (range) return range;
    }
  }
  return document.keyRangeOf(['experiment']) ?? firstLine(document);
}

export function firstLine(document: SpecDocument): Range {
  const end = document.text.indexOf('\n');
  const length = Math.min(end < 0 ? document.text.length : end, 200);
  return { start: { line: 0, character: 0 }, end: { line: 0, character: length } };
}

/** `loss.temperature`, `pairs.views.weak[0].type` — how a path is shown in messages. */
export function showPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : out ? `.${segment}` : segment;
  return out || '(the spec)';
}

/** The first of `paths` written in the document, else the last one (located at its nearest ancestor). */
export function firstWritten(document: SpecDocument, ...paths: FieldPath[]): FieldPath {
  return paths.find((p) => document.has(p)) ?? paths[paths.length - 1]!;
}
