// Completion inside a `sweep:` block: the spec paths a sweep may vary (from the schema, following the
// `type`s this spec has chosen), and the path a list of sweep values belongs to.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type Range } from 'vscode-languageserver';
import { pathOf, sweepablePaths, sweptSchema } from '../spec/sweep';
import { pathKey, type CursorContext } from './cursor-context';
import type { FieldPath } from './schema-model';

const PARAMETERS = pathKey(['sweep', 'parameters']);

/** The spec path whose values are being typed (`sweep.parameters.<path>.values[i]`), as a field path; undefined elsewhere. */
export function sweptValuePath(context: CursorContext): FieldPath | undefined {
  const [sweep, parameters, dotted, values] = context.path;
  if (sweep !== 'sweep' || parameters !== 'parameters' || typeof dotted !== 'string' || values !== 'values' || context.path.length !== 5 || context.kind !== 'value') return undefined;
  return pathOf(dotted);
}

/** Keys of `sweep.parameters`: every path of the spec not swept yet, with a `values` list to fill in. */
export function sweepPathItems(context: CursorContext, format: 'yaml' | 'json', documentValue: unknown, range: Range): CompletionItem[] | undefined {
  if (context.kind !== 'key' || pathKey(context.path) !== PARAMETERS) return undefined;
  const items: CompletionItem[] = [];
  for (const path of sweepablePaths(documentValue)) {
    if (context.presentKeys.has(path)) continue;
    const schema = sweptSchema(path, documentValue);
    const text = format === 'json' ? `"${path}": {"values": [$0]}` : context.colonFollows ? path : `${path}:\n${' '.repeat(context.indent + 2)}values: [$0]`;
    items.push({
      label: path,
      kind: CompletionItemKind.Field,
      detail: 'spec path to sweep',
      documentation: schema?.markdownDescription ? { kind: MarkupKind.Markdown, value: schema.markdownDescription } : undefined,
      // Leaves (numbers, choices) before whole groups: those are what sweeps usually vary.
      sortText: `${schema?.properties ? '1' : '0'}${path}`,
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range, newText: text },
    });
  }
  return items;
}
