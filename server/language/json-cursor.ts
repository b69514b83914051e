// Cursor context for JSON specs, from jsonc-parser's tolerant scanner: it knows whether the offset
// is at a property key or a value, even in unfinished text, and which quoted string is under it.
// (The ESM build is imported: the default UMD build loads its parts with a dynamic require that
// bundlers cannot follow.)

import { findNodeAtLocation, getLocation, parseTree, type Node } from 'jsonc-parser/lib/esm/main';
import { pathKey, type CursorContext } from './cursor-context';
import type { FieldPath } from './schema-model';

export function jsonCursorContext(text: string, offset: number): CursorContext | undefined {
  try {
    return contextAt(text, offset);
  } catch (error) {
    // jsonc-parser recurses per nesting level: thousands of nested brackets exhaust the stack.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function contextAt(text: string, offset: number): CursorContext | undefined {
  const location = getLocation(text, offset);
  const tree = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const previous = location.previousNode;
  const underCursor = previous !== undefined && previous.offset <= offset && offset <= previous.offset + previous.length ? previous : undefined;
  // A key under the cursor is reported as a `property` node spanning the quoted key.
  if (underCursor !== undefined && !['string', 'number', 'boolean', 'null', 'property'].includes(underCursor.type)) return undefined;
  const quoted = underCursor !== undefined && text[underCursor.offset] === '"';
  const replaceStart = underCursor?.offset ?? wordStart(text, offset);
  const replaceEnd = underCursor !== undefined ? underCursor.offset + underCursor.length : offset;
  const rawPartial = text.slice(replaceStart, offset);
  const partial = rawPartial.startsWith('"') ? rawPartial.slice(1) : rawPartial;
  const typeHints = new Map<string, string>();
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, offset))![0].length;
  // After a complete value with no comma yet (`"a": 1 |`), the scanner still reports that value's
  // path; the user is starting the next property.
  const afterValue =
    !location.isAtPropertyKey &&
    underCursor === undefined &&
    previous !== undefined &&
    typeof location.path[location.path.length - 1] === 'string' &&
    /^\s+$/.test(text.slice(previous.offset + previous.length, offset));
  if (location.isAtPropertyKey || afterValue) {
    const path = location.path.slice(0, -1) as FieldPath;
    const container = tree ? findNodeAtLocation(tree, path as (string | number)[]) : undefined;
    const presentKeys = new Set<string>();
    for (const property of container?.type === 'object' ? container.children ?? [] : []) {
      const key = property.children?.[0];
      if (key === undefined || key.offset === underCursor?.offset) continue;
      presentKeys.add(String(key.value));
    }
    addTypeHints(tree, path, typeHints);
    return {
      kind: 'key',
      path,
      presentKeys,
      typeHints,
      partial,
      replaceStart,
      replaceEnd,
      colonFollows: /^\s*:/.test(text.slice(replaceEnd)),
      needsLeadingSpace: false,
      inFlow: true,
      indent,
      quoted,
    };
  }
  const path = location.path as FieldPath;
  addTypeHints(tree, path.slice(0, -1), typeHints);
  return {
    kind: 'value',
    path,
    presentKeys: new Set(),
    typeHints,
    partial,
    replaceStart,
    replaceEnd,
    colonFollows: false,
    needsLeadingSpace: false,
    inFlow: true,
    indent: 0,
    quoted,
  };
}

function wordStart(text: string, offset: number): number {
  let start = offset;
  while (start > 0 && /[\w.-]/.test(text[start - 1]!)) start--;
  return start;
}

/** Records the `type` of every object along `path` (the ingredient and its ancestors). */
function addTypeHints(tree: Node | undefined, path: FieldPath, hints: Map<string, string>): void {
  if (tree === undefined) return;
  for (let depth = 0; depth <= path.length; depth++) {
    const prefix = path.slice(0, depth);
    const node = findNodeAtLocation(tree, [...prefix, 'type'] as (string | number)[]);
    if (node?.type === 'string' && typeof node.value === 'string') hints.set(pathKey(prefix), node.value);
  }
}
