// Cursor context for YAML from indentation, line by line. A YAML parser is no help here: in
// `type: triplet⏎  ma|` the half-typed `ma` continues the plain scalar "triplet ma". Reading the
// lines above the cursor (which key opens the block this column belongs to, which `- ` item) gives
// the path the user means, and also works when the rest of the file is broken.

import { pathKey, type CursorContext } from './cursor-context';
import type { FieldPath } from './schema-model';

interface LineStart {
  readonly col: number;
  readonly kind: 'dash' | 'key' | 'scalar';
  readonly key?: string;
  /** For keys: the text after the colon (comment stripped, trimmed). */
  readonly value?: string;
}

const KEY_PATTERN = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{}[\],&*!|>%@`-][^#]*?|-[^\s#][^#]*?)[ \t]*:(?=[ \t]|$)/;

/** Splits one line into the places where YAML nodes start: `- ` markers, then a key or a scalar. */
export function lineStarts(line: string): LineStart[] {
  const starts: LineStart[] = [];
  let i = 0;
  while (i < line.length && line[i] === ' ') i++;
  if (i >= line.length || line[i] === '#' || line.startsWith('---', i) || line.startsWith('...', i) || (i === 0 && line[0] === '%')) return starts;
  while (line[i] === '-' && (i + 1 === line.length || line[i + 1] === ' ' || line[i + 1] === '\t')) {
    starts.push({ col: i, kind: 'dash' });
    i++;
    while (line[i] === ' ' || line[i] === '\t') i++;
  }
  if (i >= line.length || line[i] === '#') return starts;
  const content = line.slice(i);
  const match = KEY_PATTERN.exec(content);
  if (match) {
    const value = stripComment(content.slice(match[0].length)).trim();
    starts.push({ col: i, kind: 'key', key: unquote(match[1]!.trim()), value });
  } else {
    starts.push({ col: i, kind: 'scalar' });
  }
  return starts;
}

function stripComment(text: string): string {
  const hash = text.search(/(^|[ \t])#/);
  return hash < 0 ? text : text.slice(0, hash);
}

function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return text.slice(1, -1);
    }
  }
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text;
}

/** A key whose value is a nested block (nothing, a comment, an anchor or a tag after the colon). */
function opensBlock(start: LineStart): boolean {
  return start.kind === 'key' && (start.value === '' || /^(&\S+|!\S*)(\s+(&\S+|!\S*))*$/.test(start.value ?? ''));
}

interface Level {
  /** How many path segments lie below this level when it was entered. */
  readonly below: number;
  type?: string;
}

interface ScanResult {
  readonly path: FieldPath;
  readonly presentKeys: Set<string>;
  readonly typeHints: Map<string, string>;
}

/**
 * The path of the mapping whose keys start at `col` on line `lineIndex`, by walking up the lines.
 * `sameLineStarts` are the `- ` markers before `col` on the cursor's own line (they are parents).
 */
function scanContainer(lines: readonly string[], lineIndex: number, col: number, sameLineStarts: readonly LineStart[]): ScanResult | undefined {
  const reversed: (string | number)[] = [];
  const levels: Level[] = [{ below: 0 }];
  const presentKeys = new Set<string>();
  let node: { kind: 'map' | 'item'; col: number } = { kind: 'map', col };
  let index = 0;

  const enterParent = (parent: LineStart): boolean => {
    if (parent.kind === 'dash') {
      if (node.kind === 'item') reversed.push(index);
      node = { kind: 'item', col: parent.col };
      index = 0;
      return true;
    }
    if (opensBlock(parent)) {
      if (node.kind === 'item') reversed.push(index);
      reversed.push(parent.key!);
      node = { kind: 'map', col: parent.col };
      levels.push({ below: reversed.length });
      return true;
    }
    return false;
  };

  // Parents on the cursor's own line: `  - |` puts the mapping inside that item.
  for (let k = sameLineStarts.length - 1; k >= 0; k--) if (!enterParent(sameLineStarts[k]!)) return undefined;

  for (let l = lineIndex - 1; l >= 0; l--) {
    const line = lines[l]!;
    if (line.startsWith('---')) break;
    const starts = lineStarts(line);
    if (starts.length === 0 || starts[0]!.col > node.col) continue;
    const here = starts.find((s) => s.col === node.col);
    if (here !== undefined) {
      if (node.kind === 'map' && here.kind === 'key') {
        if (levels.length === 1) presentKeys.add(here.key!);
        if (here.key === 'type' && here.value) levels[levels.length - 1]!.type ??= unquote(here.value);
      } else if (node.kind === 'item' && here.kind === 'dash') {
        index++;
      } else if (node.kind === 'item' && opensBlock(here) && here === starts[0]) {
        // `key:` followed by `- item` lines at the same indentation (a compact sequence).
        if (!enterParent(here)) return undefined;
      } else if (node.kind === 'map' && here.kind === 'dash' && starts[0] === here) {
        return undefined;
      }
    }
    // The nearest start left of the node on this line is its parent; walk further left on the line.
    for (let k = starts.length - 1; k >= 0; k--) {
      const start = starts[k]!;
      if (start.col >= node.col) continue;
      if (!enterParent(start)) return undefined;
    }
  }
  if (node.kind === 'item') reversed.push(index);
  const path = reversed.slice().reverse();
  const typeHints = new Map<string, string>();
  for (const level of levels) if (level.type !== undefined) typeHints.set(pathKey(path.slice(0, path.length - level.below)), level.type);
  return { path, presentKeys, typeHints };
}

/** Keys at `col` in the same mapping below the cursor line. */
function keysBelow(lines: readonly string[], lineIndex: number, col: number, into: Set<string>): string | undefined {
  let type: string | undefined;
  for (let l = lineIndex + 1; l < lines.length; l++) {
    const starts = lineStarts(lines[l]!);
    if (lines[l]!.startsWith('---')) break;
    if (starts.length === 0 || starts[0]!.col > col) continue;
    if (starts[0]!.col < col || starts[0]!.kind !== 'key') break;
    into.add(starts[0]!.key!);
    if (starts[0]!.key === 'type' && starts[0]!.value) type = unquote(starts[0]!.value);
  }
  return type;
}

interface FlowFrame {
  readonly kind: 'map' | 'seq';
  readonly segment: string | number | undefined;
  key: string | undefined;
  afterColon: boolean;
  index: number;
  readonly keys: Map<string, string>;
}

/** The offset just past the opening bracket of the outermost unclosed flow collection in `prefix`. */
function unclosedFlowStart(prefix: string): number | undefined {
  const opened: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i]!;
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || prefix[i - 1] === ' ')) return undefined;
    else if (c === '{' || c === '[') opened.push(i);
    else if ((c === '}' || c === ']') && opened.length > 0) opened.pop();
  }
  return opened.length > 0 ? opened[0] : undefined;
}

function isInComment(prefix: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(prefix[i - 1]!))) return true;
  }
  return false;
}

const WORD_TAIL = /^[^\s:#,{}[\]]*/;

export function yamlCursorContext(text: string, offset: number): CursorContext | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineIndex = countNewlines(text, lineStart);
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const line = lines[lineIndex] ?? '';
  const column = offset - lineStart;
  const prefix = line.slice(0, column);
  if (isInComment(prefix)) return undefined;
  const tailLength = WORD_TAIL.exec(line.slice(column))![0].length;
  const after = line.slice(column + tailLength);

  const flowStart = unclosedFlowStart(prefix);
  if (flowStart !== undefined) return flowContext(lines, lineIndex, lineStart, prefix, flowStart, tailLength, after);

  const starts = lineStarts(prefix);
  const dashes = starts.filter((s) => s.kind === 'dash');
  const last = starts[starts.length - 1];
  let contentCol = column;
  if (last !== undefined && last.kind !== 'dash') contentCol = last.col;
  else if (last?.kind === 'dash') contentCol = prefix.length > last.col + 1 ? prefix.length : last.col + 2;
  if (last?.kind === 'key' && /:[ \t]*/.test(prefix.slice(last.col))) {
    // Value position: `key: par|`.
    const scan = scanContainer(lines, lineIndex, last.col, dashes);
    if (scan === undefined) return undefined;
    const colon = prefix.indexOf(':', last.col + rawKeyLength(prefix.slice(last.col)));
    let valueStart = colon + 1;
    while (prefix[valueStart] === ' ' || prefix[valueStart] === '\t') valueStart++;
    let partial = prefix.slice(valueStart);
    if (partial.startsWith('"') || partial.startsWith("'")) {
      valueStart++;
      partial = partial.slice(1);
    }
    const siblingType = keysBelow(lines, lineIndex, last.col, scan.presentKeys);
    const typeHints = new Map(scan.typeHints);
    if (siblingType !== undefined && !typeHints.has(pathKey(scan.path))) typeHints.set(pathKey(scan.path), siblingType);
    return {
      kind: 'value',
      path: [...scan.path, last.key!],
      presentKeys: scan.presentKeys,
      typeHints,
      partial,
      replaceStart: lineStart + valueStart,
      replaceEnd: offset + tailLength,
      colonFollows: false,
      needsLeadingSpace: valueStart === colon + 1 && !prefix.endsWith(' '),
      inFlow: false,
      indent: last.col,
      quoted: false,
    };
  }
  // Key position (or a scalar item after `- `).
  const partialStart = last !== undefined && last.kind !== 'dash' ? last.col : column;
  const scan = scanContainer(lines, lineIndex, contentCol, dashes);
  if (scan === undefined) return undefined;
  const siblingType = keysBelow(lines, lineIndex, contentCol, scan.presentKeys);
  const typeHints = new Map(scan.typeHints);
  if (siblingType !== undefined && !typeHints.has(pathKey(scan.path))) typeHints.set(pathKey(scan.path), siblingType);
  return {
    kind: 'key',
    path: scan.path,
    presentKeys: scan.presentKeys,
    typeHints,
    partial: prefix.slice(partialStart),
    replaceStart: lineStart + partialStart,
    replaceEnd: offset + tailLength,
    colonFollows: /^[ \t]*:/.test(after),
    needsLeadingSpace: false,
    inFlow: false,
    indent: contentCol,
    quoted: false,
  };
}

function rawKeyLength(content: string): number {
  const match = KEY_PATTERN.exec(content);
  return match ? match[1]!.length : 0;
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** Cursor inside `{...}` / `[...]` on one line, e.g. `loss: {type: triplet, ma|`. */
function flowContext(
  lines: readonly string[],
  lineIndex: number,
  lineStart: number,
  prefix: string,
  flowStart: number,
  tailLength: number,
  after: string,
): CursorContext | undefined {
  const blockPart = lineStarts(prefix.slice(0, flowStart));
  const dashes = blockPart.filter((s) => s.kind === 'dash');
  const owner = blockPart[blockPart.length - 1];
  let base: FieldPath;
  let hints: Map<string, string>;
  if (owner?.kind === 'key') {
    const scan = scanContainer(lines, lineIndex, owner.col, dashes);
    if (scan === undefined) return undefined;
    base = [...scan.path, owner.key!];
    hints = scan.typeHints;
  } else if (owner?.kind === 'dash' || owner === undefined) {
    const scan = scanContainer(lines, lineIndex, flowStart, dashes);
    if (scan === undefined) return undefined;
    base = scan.path;
    hints = scan.typeHints;
  } else {
    return undefined;
  }

  const frames: FlowFrame[] = [];
  let token = '';
  let tokenStart = flowStart;
  let quote: string | undefined;
  const segmentForChild = (): string | number | undefined => {
    const top = frames[frames.length - 1];
    if (top === undefined) return undefined;
    return top.kind === 'map' ? top.key : top.index;
  };
  for (let i = flowStart; i < prefix.length; i++) {
    const c = prefix[i]!;
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') {
        token += prefix[i + 1] ?? '';
        i++;
      } else if (c === quote) quote = undefined;
      else token += c;
      continue;
    }
    const top = frames[frames.length - 1];
    if (c === '{' || c === '[') {
      frames.push({ kind: c === '{' ? 'map' : 'seq', segment: segmentForChild(), key: undefined, afterColon: false, index: 0, keys: new Map() });
      token = '';
      tokenStart = i + 1;
    } else if (c === '}' || c === ']') {
      frames.pop();
      token = '';
      tokenStart = i + 1;
    } else if (c === ',') {
      if (top?.kind === 'map') {
        if (top.key !== undefined) top.keys.set(top.key, token.trim());
        top.key = undefined;
        top.afterColon = false;
      } else if (top) top.index++;
      token = '';
      tokenStart = i + 1;
    } else if (c === ':' && top?.kind === 'map' && !top.afterColon && (i + 1 >= prefix.length || /[\s,{}[\]]/.test(prefix[i + 1]!))) {
      top.key = token.trim();
      top.afterColon = true;
      token = '';
      tokenStart = i + 1;
    } else if ((c === '"' || c === "'") && token.trim() === '') {
      quote = c;
      token = '';
      tokenStart = i + 1;
    } else {
      if (token === '' && (c === ' ' || c === '\t')) {
        tokenStart = i + 1;
        continue;
      }
      token += c;
    }
  }
  const top = frames[frames.length - 1];
  if (top === undefined) return undefined;
  const path: (string | number)[] = [...base];
  for (const frame of frames.slice(1)) if (frame.segment !== undefined) path.push(frame.segment);
  const typeHints = new Map(hints);
  const common = {
    partial: token,
    replaceStart: lineStart + tokenStart,
    replaceEnd: lineStart + prefix.length + tailLength,
    needsLeadingSpace: false,
    inFlow: true,
    indent: 0,
    quoted: false,
  };
  if (top.kind === 'map') {
    const type = top.keys.get('type') ?? /(?:^|[{,]\s*)type\s*:\s*([^,}\s]+)/.exec(after)?.[1];
    if (type !== undefined) typeHints.set(pathKey(path), unquote(type));
    for (const key of after.matchAll(/(?:^|,)\s*([A-Za-z_][\w-]*)\s*:/g)) top.keys.set(key[1]!, '');
    if (top.afterColon) {
      return { ...common, kind: 'value', path: [...path, top.key!], presentKeys: new Set(top.keys.keys()), typeHints, colonFollows: false, needsLeadingSpace: prefix.endsWith(':') };
    }
    return { ...common, kind: 'key', path, presentKeys: new Set(top.keys.keys()), typeHints, colonFollows: /^[ \t]*:/.test(after) };
  }
  return { ...common, kind: 'value', path: [...path, top.index], presentKeys: new Set(), typeHints, colonFollows: false };
}
