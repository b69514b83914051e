// A parsed spec file that remembers where every value came from: paths ↔ source ranges ↔ offsets.
// Built on the `yaml` package's AST (JSON files are parsed as YAML flow collections, which keeps
// their ranges too).
import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node, type Pair } from 'yaml';
import type { FieldPath, Position, Range } from './problems';

export interface SpecDocument {
  /** The file name as given by the caller (used in every problem). */
  readonly file: string;
  readonly text: string;
  readonly format: 'yaml' | 'json';
  /** The plain JavaScript value of the document (null for an empty or unparseable one). */
  readonly value: unknown;
  /** Range of the value at `path` (for block collections, without trailing blank lines). */
  rangeOf(path: FieldPath): Range | undefined;
  /** Range of the key that introduces `path` (for sequence items: the item's range). */
  keyRangeOf(path: FieldPath): Range | undefined;
  /** The deepest path whose key or value contains `offset`. */
  pathAt(offset: number): { path: FieldPath; onKey: boolean };
  offsetAt(position: Position): number;
  positionAt(offset: number): Position;
  /** Whether `path` is written in the document (as opposed to coming from a default). */
  has(path: FieldPath): boolean;
  /** Whether the collection at `path` is written in flow style (`{...}` / `[...]`, and all of JSON). */
  isFlow(path: FieldPath): boolean;
}

type Ast = Document.Parsed | undefined;

export function createSpecDocument(file: string, text: string, format: 'yaml' | 'json', ast: Ast, value: unknown): SpecDocument {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines.addNewLine(i + 1);

  const positionAt = (offset: number): Position => {
    const clamped = Math.max(0, Math.min(offset, text.length));
    const { line, col } = lines.linePos(clamped);
    return { line: line - 1, character: col - 1 };
  };
  const offsetAt = (position: Position): number => {
    const starts = lines.lineStarts;
    if (position.line < 0) return 0;
    if (position.line >= starts.length) return text.length;
    const lineStart = starts[position.line]!;
    const lineEnd = position.line + 1 < starts.length ? starts[position.line + 1]! - 1 : text.length;
    return Math.min(lineStart + Math.max(0, position.character), lineEnd);
  };
  const toRange = (start: number, end: number): Range => ({ start: positionAt(start), end: positionAt(end) });
  /** Block collections end after their trailing newline(s); stop the range at the last character. */
  const trimmedEnd = (start: number, end: number): number => {
    let e = end;
    while (e > start && /\s/.test(text[e - 1]!)) e--;
    return e;
  };

  const nodeAt = (path: FieldPath): Node | null | undefined => {
    if (!ast) return undefined;
    let node: unknown = ast.contents;
    for (const segment of path) {
      const pair = childPair(node, segment);
      if (pair === undefined) return undefined;
      node = isPair(pair) ? pair.value : pair;
    }
    return node as Node | null;
  };
  const nodeRange = (node: Node): Range | undefined => {
    if (!node.range) return undefined;
    const [start, valueEnd] = node.range;
    return toRange(start, trimmedEnd(start, valueEnd));
  };

  const rangeOf = (path: FieldPath): Range | undefined => {
    const node = nodeAt(path);
    if (node) return nodeRange(node);
    if (node === null && path.length > 0) {
      // `key:` with nothing after it: an empty range right after the colon.
      const keyRange = keyRangeOf(path);
      if (keyRange) {
        const after = offsetAt(keyRange.end);
        const colon = text.indexOf(':', after);
        const at = colon >= 0 ? colon + 1 : after;
        return toRange(at, at);
      }
    }
    return undefined;
  };
  const keyRangeOf = (path: FieldPath): Range | undefined => {
    if (path.length === 0) return undefined;
    const parent = nodeAt(path.slice(0, -1));
    const pair = childPair(parent, path[path.length - 1]!);
    if (pair === undefined) return undefined;
    if (isPair(pair)) return isScalar(pair.key) || isMap(pair.key) || isSeq(pair.key) ? nodeRange(pair.key as Node) : undefined;
    return pair ? nodeRange(pair) : undefined;
  };

  const pathAt = (offset: number): { path: FieldPath; onKey: boolean } => {
    const path: (string | number)[] = [];
    let node: unknown = ast?.contents;
    for (;;) {
      if (isMap(node)) {
        const hit = node.items.find((p) => contains(p.key, offset) || contains(p.value, offset) || onPairLine(p, offset));
        if (!hit || !isScalar(hit.key)) return { path, onKey: false };
        path.push(String(hit.key.value));
        if (contains(hit.key, offset) || !contains(hit.value, offset)) return { path, onKey: contains(hit.key, offset) };
        node = hit.value;
      } else if (isSeq(node)) {
        const index = node.items.findIndex((item) => contains(item, offset));
        if (index < 0) return { path, onKey: false };
        path.push(index);
        node = node.items[index];
      } else return { path, onKey: false };
    }
  };
  /** `key: ` followed by nothing yet: the cursor after the colon belongs to that key. */
  const onPairLine = (pair: Pair<unknown, unknown>, offset: number): boolean => {
    if (pair.value !== null || !isScalar(pair.key) || !pair.key.range) return false;
    const keyEnd = pair.key.range[1];
    const lineEnd = text.indexOf('\n', keyEnd);
    return offset > keyEnd && offset <= (lineEnd < 0 ? text.length : lineEnd);
  };

  return {
    file,
    text,
    format,
    value,
    rangeOf,
    keyRangeOf,
    pathAt,
    offsetAt,
    positionAt,
    has: (path) => nodeAt(path) !== undefined,
    isFlow: (path) => {
      const node = nodeAt(path);
      return format === 'json' || ((isMap(node) || isSeq(node)) && node.flow === true);
    },
  };
}

/** The pair (maps) or item (sequences) of `collection` at `segment`; undefined when absent. */
function childPair(collection: unknown, segment: string | number): Pair<unknown, unknown> | Node | null | undefined {
  if (isMap(collection)) {
    return collection.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
  }
  if (isSeq(collection) && typeof segment === 'number') {
    return segment >= 0 && segment < collection.items.length ? (collection.items[segment] as Node | null) : undefined;
  }
  return undefined;
}

function contains(node: unknown, offset: number): boolean {
  const range = (node as Node | null)?.range;
  return Array.isArray(range) && offset >= range[0] && offset <= range[1];
}
