// Machine-applicable fixes: text edits that set, insert, rename or remove a field while keeping the
// user's layout (block YAML gets a new line at the mapping's indentation; flow YAML and JSON get an
// inline entry).
import type { SpecDocument } from './document';
import { loadSchema } from './schema';
import type { FieldPath, Range, SpecFix, TextEdit } from './problems';

const RESERVED = /^(true|false|null|yes|no|on|off|~|y|n)$/i;

/** A value as it would be written in the document: flow YAML, or JSON for .json files. */
export function renderValue(value: unknown, format: 'yaml' | 'json'): string {
  if (format === 'json') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => renderValue(v, format)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${renderKey(k, format)}: ${renderValue(v, format)}`).join(', ')} }`;
  }
  if (typeof value === 'string') return /^[A-Za-z_][\w.\-/]*$/.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value);
  return String(value);
}

function renderKey(key: string, format: 'yaml' | 'json'): string {
  return format === 'json' || !/^[A-Za-z_][\w-]*$/.test(key) ? JSON.stringify(key) : key;
}

export function fix(title: string, edits: readonly TextEdit[] | undefined): SpecFix[] {
  return edits && edits.length > 0 ? [{ title, edits }] : [];
}

/**
 * Sets `path` to `value`: replaces the written value, or inserts the key (and any missing parent
 * mappings) into the deepest written ancestor. Undefined when the document has no place for it.
 */
export function setField(document: SpecDocument, path: FieldPath, value: unknown): TextEdit[] | undefined {
  if (document.has(path)) {
    const range = document.rangeOf(path);
    if (!range) return undefined;
    const empty = range.start.line === range.end.line && range.start.character === range.end.character;
    return [{ range, newText: (empty ? ' ' : '') + renderValue(value, document.format) }];
  }
  let depth = path.length - 1;
  while (depth > 0 && !document.has(path.slice(0, depth))) depth--;
  const parentPath = path.slice(0, depth);
  let nested: unknown = value;
  for (let i = path.length - 1; i > depth; i--) nested = { [String(path[i])]: nested };
  return insertKey(document, parentPath, String(path[depth]), nested);
}

function insertKey(document: SpecDocument, parentPath: FieldPath, key: string, value: unknown): TextEdit[] | undefined {
  const parentRange = document.rangeOf(parentPath);
  if (!parentRange) return undefined;
  const entry = `${renderKey(key, document.format)}: ${renderValue(value, document.format)}`;
  const start = document.offsetAt(parentRange.start);
  const text = document.text;
  if (document.isFlow(parentPath)) {
    if (text[start] !== '{') return undefined;
    const afterBrace = start + 1;
    const emptyMap = /^\s*\}/.test(text.slice(afterBrace));
    const at = document.positionAt(afterBrace);
    return [{ range: { start: at, end: at }, newText: emptyMap ? ` ${entry} ` : ` ${entry},` }];
  }
  if (parentRange.start.line === parentRange.end.line && parentRange.start.character === parentRange.end.character) {
    // `parent:` with no value yet.
    return [{ range: parentRange, newText: ` { ${entry} }` }];
  }
  if (parentPath.length === 0) {
    const edits = insertTopLevelKey(document, key, entry);
    if (edits) return edits;
  }
  const indent = ' '.repeat(parentRange.start.character);
  return [{ range: { start: parentRange.start, end: parentRange.start }, newText: `${entry}\n${indent}` }];
}

/** Top-level keys in the order the schema lists them (experiment first). */
function schemaKeyOrder(): readonly string[] {
  return Object.keys(loadSchema().properties ?? {});
}

/**
 * A new top-level section goes after the written sections that come before it in the schema's
 * order (so `eval:` never lands above `experiment:`): on its own line after the last line of that
 * section's value, leaving comments where they are. Undefined when none comes before it (the
 * caller then puts it at the top).
 */
function insertTopLevelKey(document: SpecDocument, key: string, entry: string): TextEdit[] | undefined {
  const order = schemaKeyOrder();
  const rank = (k: string): number => (order.includes(k) ? order.indexOf(k) : order.length);
  const root = document.value;
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return undefined;
  const written = Object.keys(root as Record<string, unknown>);
  const before = written.filter((k) => rank(k) <= rank(key));
  if (before.length === 0) return undefined; // first in the schema's order (`experiment`): at the top
  let after: Range | undefined;
  for (const k of before) {
    const range = document.rangeOf([k]);
    if (range && (!after || range.end.line > after.end.line)) after = range;
  }
  if (!after) return undefined;
  const lines = document.text.split('\n');
  const lineText = lines[after.end.line] ?? '';
  const at = { line: after.end.line, character: lineText.replace(/\r$/, '').length };
  return [{ range: { start: at, end: at }, newText: `\n${entry}` }];
}

/** Renames the key at `path` to `newKey`. */
export function renameKey(document: SpecDocument, path: FieldPath, newKey: string): TextEdit[] | undefined {
  const range = document.keyRangeOf(path);
  if (!range) return undefined;
  const quoted = document.text[document.offsetAt(range.start)] === '"';
  return [{ range, newText: quoted || document.format === 'json' ? JSON.stringify(newKey) : renderKey(newKey, 'yaml') }];
}

/** Removes the key at `path` with its value; only for block mappings where the entry owns its lines. */
export function removeField(document: SpecDocument, path: FieldPath): TextEdit[] | undefined {
  if (path.length === 0 || document.isFlow(path.slice(0, -1))) return undefined;
  const keyRange = document.keyRangeOf(path);
  const valueRange = document.rangeOf(path);
  if (!keyRange || !valueRange) return undefined;
  const text = document.text;
  const keyStart = document.offsetAt(keyRange.start);
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  if (text.slice(lineStart, keyStart).trim() !== '') return undefined; // shares its line with `- ` or another key
  const valueEnd = document.offsetAt(valueRange.end);
  const newline = text.indexOf('\n', valueEnd);
  const end = newline < 0 ? text.length : newline + 1;
  const range: Range = { start: document.positionAt(lineStart), end: document.positionAt(end) };
  return [{ range, newText: '' }];
}

/** Applies edits (non-overlapping) to `text`; used by tests and by the CLI's `--fix`. */
export function applyEdits(document: Pick<SpecDocument, 'offsetAt'>, text: string, edits: readonly TextEdit[]): string {
  const sorted = edits
    .map((e) => ({ start: document.offsetAt(e.range.start), end: document.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
