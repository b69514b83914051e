// The outline: every ingredient as a symbol named with its chosen type ("loss: infoNCE"), nested
// options as children.

import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver';
import type { SpecDocument } from '../spec/document';
import type { FieldPath } from './schema-model';

const MAX_DEPTH = 6;
const MAX_SYMBOLS = 2000;

export function documentSymbols(document: SpecDocument): DocumentSymbol[] {
  const budget = { left: MAX_SYMBOLS };
  return childrenOf(document, document.value, [], budget);
}

function childrenOf(document: SpecDocument, value: unknown, path: FieldPath, budget: { left: number }): DocumentSymbol[] {
  if (value === null || typeof value !== 'object' || path.length >= MAX_DEPTH) return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value as Record<string, unknown>);
  const symbols: DocumentSymbol[] = [];
  for (const [key, child] of entries) {
    if (budget.left <= 0) break;
    const childPath = [...path, key];
    const valueRange = document.rangeOf(childPath);
    const keyRange = document.keyRangeOf(childPath) ?? valueRange;
    if (valueRange === undefined || keyRange === undefined) continue;
    budget.left--;
    const type = typeOf(child);
    const name = typeof key === 'number' ? (type !== undefined ? `- ${type}` : `[${key}]`) : type !== undefined ? `${key}: ${type}` : key;
    symbols.push({
      name,
      detail: detailOf(child),
      kind: kindOf(child),
      range: cover(keyRange, valueRange),
      selectionRange: keyRange,
      children: childrenOf(document, child, childPath, budget),
    });
  }
  return symbols;
}

function typeOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const type = (value as Record<string, unknown>).type;
  return typeof type === 'string' ? type : undefined;
}

function detailOf(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return `[${value.join(', ')}]`;
  return undefined;
}

function kindOf(value: unknown): SymbolKind {
  if (Array.isArray(value)) return SymbolKind.Array;
  if (value === null) return SymbolKind.Null;
  switch (typeof value) {
    case 'object':
      return SymbolKind.Object;
    case 'number':
      return SymbolKind.Number;
    case 'boolean':
      return SymbolKind.Boolean;
    default:
      return SymbolKind.String;
  }
}

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function cover(a: Range, b: Range): Range {
  return { start: before(a.start, b.start) ? a.start : b.start, end: before(a.end, b.end) ? b.end : a.end };
}
