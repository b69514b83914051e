// The shape of a problem found in a spec file, shared by the CLI (`validate`), the trainer and the
// language server. Positions are 0-based (LSP convention); `line`/`column` are 1-based for humans.

export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  /** 0-based line. */
  readonly line: number;
  /** 0-based UTF-16 column. */
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** A path into the spec's value, e.g. ['loss', 'temperature'] or ['pairs', 'views', 'weak', 0]. */
export type FieldPath = readonly (string | number)[];

export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

/** A machine-applicable fix: applying all edits to the document text resolves the problem. */
export interface SpecFix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

export interface RelatedLocation {
  readonly path: FieldPath;
  readonly range: Range;
  readonly message: string;
}

export interface SpecProblem {
  readonly file: string;
  /** 1-based line of range.start. */
  readonly line: number;
  /** 1-based column of range.start. */
  readonly column: number;
  readonly range: Range;
  readonly path: FieldPath;
  /** `syntax`, `schema/<keyword>` for schema violations, or a semantic rule id such as `loss-needs-negatives`. */
  readonly ruleId: string;
  readonly severity: Severity;
  /** Says what is wrong and how to fix it. */
  readonly message: string;
  readonly fixes: readonly SpecFix[];
  readonly related: readonly RelatedLocation[];
  readonly tags: readonly ('deprecated' | 'unnecessary')[];
}
