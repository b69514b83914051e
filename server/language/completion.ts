// Completion items for a cursor context: keys allowed here and not yet present (with their defaults
// as snippets), `type` values of polymorphic ingredients with their documentation, enum values,
// data paths, and whole-ingredient snippets.

import { readdirSync, type Dirent } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type Range, type TextEdit } from 'vscode-languageserver';
import { pathKey, type CursorContext } from './cursor-context';
import { INGREDIENT_SNIPPETS } from './ingredient-snippets';
import { jsonAt, snippetChoiceEscape, snippetEscape, yamlBlock, yamlScalar, type SpecFormat } from './render-value';
import { typeInValue, type FieldPath, type SchemaModel, type SchemaNode } from './schema-model';
import { propertyDocumentation } from './schema-docs';
import { sweepPathItems, sweptValuePath } from './sweep-completion';

export interface CompletionRequest {
  readonly context: CursorContext;
  readonly format: SpecFormat;
  readonly model: SchemaModel;
  /** The last parsed value of the document (may lag one edit behind); picks ancestors' branches. */
  readonly documentValue: unknown;
  /** Folder of the spec file, for data path completion; undefined for unsaved documents. */
  readonly specDir: string | undefined;
  readonly rangeOf: (start: number, end: number) => Range;
  /** The document text (JSON key completion adds the commas around the new property). */
  readonly text: string;
}

const DATA_SOURCE_PATH = pathKey(['data', 'source']);
const DATA_FILE_EXTENSIONS = /\.(csv|jsonl)$/i;
const MAX_DIRECTORY_ENTRIES = 500;

export function complete(request: CompletionRequest): CompletionItem[] {
  const { context, model } = request;
  const typeAt = (path: FieldPath): string | undefined => context.typeHints.get(pathKey(path)) ?? typeInValue(request.documentValue, path);
  const sweepPaths = sweepPathItems(context, request.format, request.documentValue, request.rangeOf(context.replaceStart, context.replaceEnd));
  if (sweepPaths !== undefined) return sweepPaths;
  const swept = sweptValuePath(context);
  // A sweep value is a value of the path it sweeps: the same choices as writing it there.
  if (swept !== undefined) return valueItems(request, model.schemaAt(swept, typeAt), swept, typeAt);
  const schema = model.schemaAt(context.path, typeAt);
  if (context.kind === 'key' && (schema === undefined || !model.isObjectLike(schema))) {
    // `- fl|` in a list of scalars: the item is a value, not a key.
    return schema === undefined ? [] : valueItems(request, schema, context.path, typeAt);
  }
  if (context.kind === 'key') return [...keyItems(request, schema, typeAt), ...snippetItems(request)];
  return valueItems(request, schema, context.path, typeAt);
}

function keyItems(request: CompletionRequest, schema: SchemaNode | undefined, typeAt: (path: FieldPath) => string | undefined): CompletionItem[] {
  const { context, model } = request;
  const chosenType = typeAt(context.path);
  const properties = model.propertiesOf(schema, chosenType);
  const required = model.requiredOf(schema, chosenType);
  const polymorphic = model.branchesOf(schema) !== undefined;
  const range = request.rangeOf(context.replaceStart, context.replaceEnd);
  const commas = jsonCommas(request);
  const items: CompletionItem[] = [];
  for (const [key, property] of properties) {
    if (context.presentKeys.has(key)) continue;
    const resolved = model.resolve(property);
    const rank = polymorphic && key === 'type' ? '0' : required.has(key) ? '1' : '2';
    items.push({
      label: key,
      kind: CompletionItemKind.Property,
      detail: required.has(key) ? 'required' : defaultDetail(model, property),
      documentation: { kind: MarkupKind.Markdown, value: propertyDocumentation(model, key, property) },
      sortText: `${rank}${key}`,
      filterText: request.format === 'json' && context.quoted ? `"${key}"` : key,
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range, newText: keySnippet(request, key, property) + commas.after },
      additionalTextEdits: commas.before,
      tags: resolved?.deprecated ? [1] : undefined,
    });
  }
  return items;
}

/**
 * A new JSON property between others needs a comma after the previous one (inserted there) and,
 * when another property follows, one after itself.
 */
function jsonCommas(request: CompletionRequest): { before: TextEdit[] | undefined; after: string } {
  const { context, text } = request;
  if (request.format !== 'json' || context.colonFollows) return { before: undefined, after: '' };
  let previous = context.replaceStart - 1;
  while (previous >= 0 && /\s/.test(text[previous]!)) previous--;
  let next = context.replaceEnd;
  while (next < text.length && /\s/.test(text[next]!)) next++;
  const before = previous >= 0 && !'{[,'.includes(text[previous]!) ? [{ range: request.rangeOf(previous + 1, previous + 1), newText: ',' }] : undefined;
  return { before, after: text[next] === '"' ? ',' : '' };
}

function defaultDetail(model: SchemaModel, property: SchemaNode): string | undefined {
  const value = model.defaultOf(property);
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return `default: ${text.length > 40 ? `${text.slice(0, 37)}…` : text}`;
}

/** The text inserted for a key: the key and a placeholder for its value (its default or choices). */
function keySnippet(request: CompletionRequest, key: string, property: SchemaNode): string {
  const { context, model, format } = request;
  const json = format === 'json';
  const keyText = json ? `"${key}"` : key;
  if (context.colonFollows) return snippetEscape(keyText);
  const head = `${snippetEscape(keyText)}: `;
  const branches = model.branchesOf(property);
  const choices = (values: readonly unknown[]): string => values.map((v) => snippetChoiceEscape(json ? JSON.stringify(v) : yamlScalar(v))).join(',');
  if (branches !== undefined) {
    const choice = `\${1|${choices(branches.map((b) => b.value))}|}`;
    if (json) return `${head}{"type": ${choice}$0}`;
    if (context.inFlow) return `${head}{type: ${choice}$0}`;
    return `${snippetEscape(key)}:\n${' '.repeat(context.indent + 2)}type: ${choice}\n${' '.repeat(context.indent + 2)}$0`;
  }
  const literals = model.literalValues(property).map((l) => l.value);
  const fallback = model.defaultOf(property);
  if (literals.length > 0) {
    const ordered = fallback !== undefined && literals.some((v) => JSON.stringify(v) === JSON.stringify(fallback)) ? [fallback, ...literals.filter((v) => JSON.stringify(v) !== JSON.stringify(fallback))] : literals;
    return `${head}\${1|${choices(ordered)}|}`;
  }
  if (model.isObjectLike(property) && (fallback === undefined || (typeof fallback === 'object' && fallback !== null && !Array.isArray(fallback)))) {
    if (json) return `${head}{$0}`;
    if (context.inFlow) return `${head}{$0}`;
    return `${snippetEscape(key)}:\n${' '.repeat(context.indent + 2)}$0`;
  }
  if (fallback !== undefined) {
    const text = json ? JSON.stringify(fallback) : yamlScalar(fallback);
    return `${head}\${1:${snippetEscape(text)}}`;
  }
  if (model.isArrayLike(property)) return `${head}[$0]`;
  return json && includesString(model, property) ? `${head}"$0"` : `${head}$0`;
}

function includesString(model: SchemaModel, property: SchemaNode): boolean {
  const type = model.resolve(property)?.type;
  return type === 'string' || (Array.isArray(type) && type.includes('string'));
}

function valueItems(request: CompletionRequest, schema: SchemaNode | undefined, path: FieldPath, typeAt: (path: FieldPath) => string | undefined): CompletionItem[] {
  const { context, model } = request;
  const range = request.rangeOf(context.replaceStart, context.replaceEnd);
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const push = (value: unknown, kind: CompletionItemKind, documentation: string, detail: string | undefined, sort: string): void => {
    const text = valueText(request, value);
    if (seen.has(text)) return;
    seen.add(text);
    const label = typeof value === 'string' ? value : JSON.stringify(value);
    items.push({
      label,
      kind,
      detail,
      documentation: documentation ? { kind: MarkupKind.Markdown, value: documentation } : undefined,
      sortText: `${sort}${String(items.length).padStart(4, '0')}`,
      filterText: request.format === 'json' && context.quoted ? JSON.stringify(label) : label,
      textEdit: { range, newText: (context.needsLeadingSpace ? ' ' : '') + text },
    });
  };

  const last = path[path.length - 1];
  const parent = model.schemaAt(path.slice(0, -1), typeAt);
  const branches = last === 'type' ? model.branchesOf(parent) : undefined;
  if (branches !== undefined) {
    for (const branch of branches) push(branch.value, CompletionItemKind.EnumMember, model.describe(branch.schema), branch.schema.title, '0');
    return items;
  }
  if (pathKey(path) === DATA_SOURCE_PATH) items.push(...pathItems(request, range));
  // `distance: |` — an inline ingredient per type, as the examples write them.
  for (const branch of model.branchesOf(schema) ?? []) {
    const inline = request.format === 'json' ? `{"type": ${JSON.stringify(branch.value)}}` : `{ type: ${yamlScalar(branch.value)} }`;
    items.push({
      label: inline,
      kind: CompletionItemKind.Struct,
      detail: branch.schema.title,
      documentation: { kind: MarkupKind.Markdown, value: model.describe(branch.schema) },
      sortText: `1${String(items.length).padStart(4, '0')}`,
      filterText: context.quoted ? JSON.stringify(branch.value) : branch.value,
      textEdit: { range, newText: (context.needsLeadingSpace ? ' ' : '') + inline },
    });
  }
  for (const literal of model.literalValues(schema)) push(literal.value, CompletionItemKind.EnumMember, literal.documentation, undefined, '1');
  const fallback = model.defaultOf(schema);
  if (fallback !== undefined && (fallback === null || typeof fallback !== 'object')) push(fallback, CompletionItemKind.Value, '', 'default', '0');
  for (const example of model.resolve(schema)?.examples ?? []) {
    if (example === null || typeof example !== 'object') push(example, CompletionItemKind.Value, '', 'example', '2');
  }
  return items;
}

function valueText(request: CompletionRequest, value: unknown): string {
  if (request.format === 'json') return JSON.stringify(value);
  return yamlScalar(value);
}

/** `builtin:digits`, then the folders and data files next to the spec matching what is typed. */
function pathItems(request: CompletionRequest, range: Range): CompletionItem[] {
  const { context, specDir } = request;
  const items: CompletionItem[] = [];
  const quote = (text: string): string => (request.format === 'json' ? JSON.stringify(text) : yamlScalar(text));
  const lead = context.needsLeadingSpace ? ' ' : '';
  items.push({ label: 'builtin:digits', kind: CompletionItemKind.Value, detail: 'built-in dataset', sortText: '00', textEdit: { range, newText: lead + quote('builtin:digits') } });
  if (specDir === undefined || context.partial.startsWith('builtin')) return items;
  const slash = context.partial.lastIndexOf('/');
  const folderPart = slash >= 0 ? context.partial.slice(0, slash + 1) : '';
  const folder = isAbsolute(folderPart) ? folderPart : resolve(specDir, folderPart || '.');
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return items;
  }
  for (const entry of entries.slice(0, MAX_DIRECTORY_ENTRIES)) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const isFolder = entry.isDirectory();
    if (!isFolder && !DATA_FILE_EXTENSIONS.test(entry.name)) continue;
    const text = `${folderPart}${entry.name}${isFolder ? '/' : ''}`;
    items.push({
      label: text,
      kind: isFolder ? CompletionItemKind.Folder : CompletionItemKind.File,
      detail: isFolder ? 'folder (images)' : 'data file',
      sortText: `1${text}`,
      filterText: request.format === 'json' && context.quoted ? `"${text}` : text,
      textEdit: { range, newText: lead + (isFolder && request.format === 'yaml' ? text : quote(text)) },
      command: isFolder ? { title: 'Suggest', command: 'editor.action.triggerSuggest' } : undefined,
    });
  }
  return items;
}

/** Complete ingredient blocks, offered at the top level where their key is still missing. */
function snippetItems(request: CompletionRequest): CompletionItem[] {
  const { context } = request;
  if (context.path.length !== 0 || context.colonFollows || (request.format === 'yaml' && context.inFlow)) return [];
  const range = request.rangeOf(context.replaceStart, context.replaceEnd);
  const commas = jsonCommas(request);
  return INGREDIENT_SNIPPETS.filter((s) => !context.presentKeys.has(s.key)).map((snippet, i) => {
    const body = request.format === 'json' ? `"${snippet.key}": ${jsonAt(snippet.value, context.indent)}` : `${snippet.key}:\n${yamlBlock(snippet.value, context.indent + 2)}`;
    return {
      label: snippet.label,
      kind: CompletionItemKind.Snippet,
      detail: 'whole ingredient',
      documentation: { kind: MarkupKind.Markdown, value: `${snippet.documentation}\n\n\`\`\`${request.format}\n${body}\n\`\`\`` },
      sortText: `3${i}`,
      filterText: snippet.key,
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range, newText: snippetEscape(body) + commas.after },
      additionalTextEdits: commas.before,
    };
  });
}
