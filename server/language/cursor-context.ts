// What completion needs to know about the cursor, computed from the text alone so that it works on
// half-typed files that do not parse: are we typing a key or a value, in which object, which keys
// are already there, and which `type` the surrounding ingredients have chosen.

import type { FieldPath } from './schema-model';

export interface CursorContext {
  /** `key`: a property name is being typed in the object at `path` (or an item of the array at `path`). `value`: the value at `path`. */
  readonly kind: 'key' | 'value';
  readonly path: FieldPath;
  /** Keys already present in the object at `path` (key kind only). */
  readonly presentKeys: ReadonlySet<string>;
  /** `type` values seen by the scan, keyed by JSON-encoded path of the object that holds them. */
  readonly typeHints: ReadonlyMap<string, string>;
  /** Text already typed for the key or value (without quotes). */
  readonly partial: string;
  /** Offsets of the text a completion replaces. */
  readonly replaceStart: number;
  readonly replaceEnd: number;
  /** A `:` already follows the key being typed, so only the key should be inserted. */
  readonly colonFollows: boolean;
  /** The value is typed right after `key:` with no space yet. */
  readonly needsLeadingSpace: boolean;
  /** Inside a YAML flow collection (`{...}` / `[...]`), where block snippets do not fit. */
  readonly inFlow: boolean;
  /** Indentation (columns) of the key being typed, for multi-line YAML snippets. */
  readonly indent: number;
  /** JSON: the text being replaced is a quoted string. */
  readonly quoted: boolean;
}

export function pathKey(path: FieldPath): string {
  return JSON.stringify(path);
}
