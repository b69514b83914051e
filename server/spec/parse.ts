// Step 1 of the pipeline: text → SpecDocument + syntax problems. YAML 1.2 (core schema); .json files
// are also checked with the JSON grammar so that JSON mistakes are reported as JSON mistakes.
// Every failure is a located problem: no input makes this throw or hang.
import { isAlias, isScalar, parseDocument, visit, type Document } from 'yaml';
import { createSpecDocument, type SpecDocument } from './document';
import type { SpecProblem } from './problems';
import { firstLine, makeProblem } from './report';

/** Larger files are refused: a spec is a page of options, and parsing must stay interactive. */
export const MAX_SPEC_CHARS = 5 * 1024 * 1024;
/** Lines plus flow separators: a spec is a page of options; this bounds parse time on generated junk. */
export const MAX_SPEC_ENTRIES = 20000;
/** Flow brackets nested deeper than this are refused before parsing (the parser recurses per level). */
export const MAX_FLOW_DEPTH = 64;
/** A spec needs no aliases at all; this bounds "billion laughs" expansion. */
export const MAX_ALIAS_COUNT = 100;

export interface ParsedSpec {
  readonly document: SpecDocument;
  readonly problems: SpecProblem[];
}

export function formatOf(file: string): 'yaml' | 'json' {
  return /\.json$/i.test(file) ? 'json' : 'yaml';
}

export function parseSpecText(text: string, file: string): ParsedSpec {
  const format = formatOf(file);
  const bare = (): SpecDocument => createSpecDocument(file, text, format, undefined, null);

  if (text.length > MAX_SPEC_CHARS) {
    const document = bare();
    return { document, problems: [syntax(document, `This file is ${(text.length / 1048576).toFixed(1)} MB; a spec file may be at most 5 MB. Spec files hold options, not data: put samples in a .csv/.jsonl file or an image folder and point \`data.source\` at it.`)] };
  }
  if (looksBinary(text)) {
    const document = bare();
    return { document, problems: [syntax(document, 'This looks like a binary file, not a YAML or JSON spec. Open the .contrastive.yaml file you meant, or save this one as text.')] };
  }

  const tooMany = offsetOfEntry(text, MAX_SPEC_ENTRIES);
  if (tooMany !== undefined) {
    const document = bare();
    const at = document.positionAt(tooMany);
    return { document, problems: [syntax(document, `This file has more than ${MAX_SPEC_ENTRIES.toLocaleString('en')} lines or list entries; a spec is a page of options. Put data in a .csv/.jsonl file or an image folder and point \`data.source\` at it.`, { start: at, end: at })] };
  }

  const deep = offsetOfFlowDepth(text, MAX_FLOW_DEPTH);
  if (deep !== undefined) {
    const document = bare();
    const at = document.positionAt(deep);
    return { document, problems: [syntax(document, `Brackets are nested more than ${MAX_FLOW_DEPTH} levels deep here; a spec needs a handful. Check for unclosed \`[\` or \`{\`.`, { start: at, end: document.positionAt(deep + 1) })] };
  }

  const problems: SpecProblem[] = [];
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text; // keep offsets, drop the BOM
  if (format === 'json') {
    const jsonError = jsonSyntaxError(source);
    if (jsonError) {
      const document = bare();
      const at = document.positionAt(jsonError.offset);
      return { document, problems: [syntax(document, `Invalid JSON: ${jsonError.message}. Check for a missing comma, quote or bracket near here (JSON allows no comments or trailing commas).`, { start: at, end: document.positionAt(jsonError.offset + 1) })] };
    }
  }

  // resolveKnownTags: false — `!!binary`, `!!set`, `!!timestamp` stay plain strings (a spec holds only JSON values).
  const ast = parseDocument(source, { version: '1.2', schema: 'core', resolveKnownTags: false, uniqueKeys: false, prettyErrors: false, strict: true });
  const located = createSpecDocument(file, text, format, undefined, null);
  const found = [...ast.errors.map((e) => ({ e, severity: 'error' as const })), ...ast.warnings.map((e) => ({ e, severity: 'warning' as const }))];
  for (const { e: error, severity } of found) {
    const [start, end] = error.pos;
    problems.push(
      makeProblem(located, {
        path: [],
        ruleId: 'syntax',
        severity,
        message: yamlMessage(error.code, error.message),
        range: { start: located.positionAt(start), end: located.positionAt(Math.max(end, start + 1)) },
      }),
    );
  }
  if (ast.errors.length > 0) return { document: createSpecDocument(file, text, format, ast, null), problems };

  let value: unknown = null;
  try {
    value = ast.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const document = createSpecDocument(file, text, format, ast, null);
    const alias = firstAliasOffset(ast);
    const at = document.positionAt(alias);
    problems.push(syntax(document, `Too many YAML aliases (over ${MAX_ALIAS_COUNT} expansions, ${error instanceof Error ? error.message : String(error)}). Aliases (*name) are not needed in a spec: write the values out.`, { start: at, end: document.positionAt(alias + 1) }));
    return { document, problems };
  }
  const document = createSpecDocument(file, text, format, ast, value);
  visit(ast, {
    // The yaml package's own duplicate-key check is quadratic; this one is linear.
    Map(_key, node) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isScalar(pair.key) || !pair.key.range) continue;
        const name = String(pair.key.value);
        if (seen.has(name)) {
          const [start, end] = pair.key.range;
          problems.push(syntax(document, `The key \`${name}\` appears twice in the same mapping; delete one of them (only one value can win).`, { start: document.positionAt(start), end: document.positionAt(end) }));
        }
        seen.add(name);
      }
    },
    Scalar(_key, node) {
      if (typeof node.value === 'number' && !Number.isFinite(node.value) && node.range) {
        const [start, end] = node.range;
        problems.push(syntax(document, `The number ${source.slice(start, end).trim()} is not finite (too large for a 64-bit float, or .inf/.nan). Write a finite number.`, { start: document.positionAt(start), end: document.positionAt(end) }));
      }
    },
  });
  return { document, problems };
}

function syntax(document: SpecDocument, message: string, range = firstLine(document)): SpecProblem {
  return makeProblem(document, { path: [], ruleId: 'syntax', severity: 'error', message, range });
}

/** NUL bytes, control characters, or many undecodable bytes (U+FFFD) in the first 8 KB. */
function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const head = text.slice(0, 8192);
  if (/[\u0001-\u0008\u000e-\u001a\u001c-\u001f]/.test(head)) return true;
  const replacements = head.split('\ufffd').length - 1;
  return replacements > 8 && replacements > head.length / 20;
}

/** Offset of the first `[`/`{` that opens level `limit + 1` (quotes and comments are not special-cased: over-counting only refuses absurd files). */
function offsetOfFlowDepth(text: string, limit: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      if (++depth > limit) return i;
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return undefined;
}

/** Offset of the `limit`-th newline or comma, or undefined when the text has fewer. */
function offsetOfEntry(text: string, limit: number): number | undefined {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c === 10 || c === 44) && ++count >= limit) return i;
  }
  return undefined;
}

function jsonSyntaxError(text: string): { offset: number; message: string } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : text.trimEnd().length;
    return { offset, message: message.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'the file ends too early') };
  }
}

function firstAliasOffset(ast: Document.Parsed): number {
  let offset = 0;
  visit(ast, {
    Alias(_key, node) {
      if (isAlias(node) && node.range) {
        offset = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}

/** The yaml package's messages, with the fix a spec author needs. */
function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (/call stack/i.test(first)) return 'This document is nested too deeply to read (the parser ran out of stack); a spec needs only a few levels of indentation.';
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'Tabs cannot indent YAML; indent with spaces (two per level).';
    case 'MULTIPLE_DOCS':
      return 'A spec file holds one YAML document: remove this `---` separator and what follows, or move it to its own spec file.';
    case 'TAG_RESOLVE_FAILED':
      return `YAML tags (\`!!…\`, \`!…\`) are not used in specs; remove the tag. (${first})`;
    case 'NON_STRING_KEY':
      return 'Keys must be plain names (like `loss:`), not lists or mappings.';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return `YAML syntax: ${first}. Check the indentation and the brackets/quotes on this line.`;
    default:
      return `YAML syntax: ${first}.`;
  }
}
