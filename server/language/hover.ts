// Hover: the schema's documentation for the key or value under the cursor; for a `type` value, what
// that ingredient does and which options it takes.

import { MarkupKind, type Hover, type Range } from 'vscode-languageserver';
import type { SpecDocument } from '../spec/document';
import { pathKey } from './cursor-context';
import { jsonCursorContext } from './json-cursor';
import type { SpecFormat } from './render-value';
import { typeInValue, type SchemaModel } from './schema-model';
import { propertyDocumentation, valueDocumentation } from './schema-docs';
import { yamlCursorContext } from './yaml-cursor';

export function hoverAt(document: SpecDocument, offset: number, model: SchemaModel): Hover | undefined {
  const { path, onKey } = document.pathAt(offset);
  if (path.length === 0) return undefined;
  const typeAt = (p: readonly (string | number)[]): string | undefined => typeInValue(document.value, p);
  const key = path[path.length - 1]!;
  const property = model.schemaAt(path, typeAt);
  const parent = model.schemaAt(path.slice(0, -1), typeAt);
  if (property === undefined && model.branchesOf(parent) === undefined) return undefined;
  let markdown: string | undefined;
  let range = onKey ? document.keyRangeOf(path) : document.rangeOf(path);
  if (!onKey) {
    const value = valueAt(document.value, path);
    if (value === null || typeof value !== 'object') markdown = valueDocumentation(model, parent, key, property, value);
  }
  if (markdown === undefined) {
    markdown = `**${typeof key === 'number' ? `item ${key}` : key}**\n\n${propertyDocumentation(model, key, property)}`;
    range = document.keyRangeOf(path) ?? range;
  }
  return { contents: { kind: MarkupKind.Markdown, value: markdown }, range };
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node: unknown = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/**
 * Hover for a file that does not parse (mid-edit): the key or value under the cursor is found by
 * the same text scan completion uses.
 */
export function hoverFromText(text: string, offset: number, format: SpecFormat, model: SchemaModel, rangeOf: (start: number, end: number) => Range): Hover | undefined {
  const context = format === 'json' ? jsonCursorContext(text, offset) : yamlCursorContext(text, offset);
  if (context === undefined) return undefined;
  const typeAt = (p: readonly (string | number)[]): string | undefined => context.typeHints.get(pathKey(p));
  const word = text.slice(context.replaceStart, context.replaceEnd).replace(/^["']|["']$/g, '');
  if (word === '') return undefined;
  const range = rangeOf(context.replaceStart, context.replaceEnd);
  if (context.kind === 'key') {
    if (!context.colonFollows) return undefined;
    const property = model.schemaAt([...context.path, word], typeAt);
    if (property === undefined) return undefined;
    return { contents: { kind: MarkupKind.Markdown, value: `**${word}**\n\n${propertyDocumentation(model, word, property)}` }, range };
  }
  const key = context.path[context.path.length - 1];
  if (key === undefined) return undefined;
  const parent = model.schemaAt(context.path.slice(0, -1), typeAt);
  const property = model.schemaAt(context.path, typeAt);
  const value = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(word) ? Number(word) : word === 'true' ? true : word === 'false' ? false : word === 'null' ? null : word;
  const markdown = valueDocumentation(model, parent, key, property, value);
  return markdown === undefined ? undefined : { contents: { kind: MarkupKind.Markdown, value: markdown }, range };
}
