// Hover: the schema's documentation for the key or value under the cursor; for a `type` value, what
// that ingredient does and which options it takes.

import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { SpecDocument } from '../spec/document';
import { typeInValue, type SchemaModel } from './schema-model';
import { propertyDocumentation, valueDocumentation } from './schema-docs';

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
