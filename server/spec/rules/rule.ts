// The shape of a semantic rule: a cross-field check on a schema-valid spec. While the spec has
// schema errors, rules see its valid part (valid-part.ts); check.ts drops what they say about it if
// they read a substituted value, so a rule needs no defensive code for bad input.
import type { SpecDocument } from '../document';
import type { FieldPath, RelatedLocation, Severity, SpecFix } from '../problems';
import type { ResolvedSpec } from '../types';

/** What the rules know about the data (sizes after `limit`; undefined when unknown). */
export interface DataFacts {
  readonly kind: 'images' | 'vectors';
  readonly labelled: boolean | undefined;
  readonly size: number | undefined;
  readonly trainSize: number | undefined;
  readonly columns: readonly string[] | undefined;
  readonly classes: number | undefined;
  /**
   * The csv/jsonl file holds no samples: 'file' when it is empty, 'header' when a CSV has a header
   * but no rows. Then the size facts above are undefined, so the size rules stand down and
   * data-file-empty says the one thing to fix.
   */
  readonly empty: 'file' | 'header' | undefined;
}

export interface RuleContext {
  readonly spec: ResolvedSpec;
  readonly document: SpecDocument;
  /** Folder of the spec file: data paths are relative to it. */
  readonly specDir: string;
  readonly data: DataFacts;
  readonly fileExists: (absolutePath: string) => boolean;
}

export interface RuleFinding {
  readonly path: FieldPath;
  readonly message: string;
  readonly onKey?: boolean;
  readonly fixes?: readonly SpecFix[];
  readonly related?: readonly RelatedLocation[];
  readonly tags?: readonly ('deprecated' | 'unnecessary')[];
}

export interface SpecRule {
  /** Stable id, shown in diagnostics and linked to docs (kebab-case). */
  readonly id: string;
  readonly severity: Severity;
  /** One line for docs and hover. */
  readonly description: string;
  check(context: RuleContext): readonly RuleFinding[];
}
