// Folding ranges from the text's shape, so they work while the file does not parse: YAML by
// indentation (a line folds the deeper lines after it), JSON by matching brackets.

import { createScanner } from 'jsonc-parser/lib/esm/main';
import type { FoldingRange } from 'vscode-languageserver';
import type { SpecFormat } from './render-value';

const MAX_RANGES = 5000;

export function foldingRanges(text: string, format: SpecFormat): FoldingRange[] {
  return format === 'json' ? jsonFolding(text) : yamlFolding(text);
}

function yamlFolding(text: string): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const open: { indent: number; line: number }[] = [];
  let lastContent = -1;
  const close = (downTo: number): void => {
    while (open.length > 0 && open[open.length - 1]!.indent >= downTo) {
      const start = open.pop()!;
      if (lastContent > start.line && ranges.length < MAX_RANGES) ranges.push({ startLine: start.line, endLine: lastContent });
    }
  };
  let line = 0;
  for (let offset = 0; offset <= text.length; line++) {
    const end = text.indexOf('\n', offset);
    const content = text.slice(offset, end < 0 ? text.length : end);
    offset = end < 0 ? text.length + 1 : end + 1;
    const indent = content.length - content.trimStart().length;
    const trimmed = content.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    close(trimmed.startsWith('---') ? 0 : indent);
    open.push({ indent, line });
    lastContent = line;
  }
  close(0);
  return ranges.sort((a, b) => a.startLine - b.startLine);
}

function jsonFolding(text: string): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const open: number[] = [];
  const scanner = createScanner(text, true);
  // SyntaxKind values of jsonc-parser: 1 `{`, 2 `}`, 3 `[`, 4 `]`, 17 end of file.
  for (let kind = scanner.scan(); kind !== 17; kind = scanner.scan()) {
    if (kind === 1 || kind === 3) open.push(scanner.getTokenStartLine());
    else if ((kind === 2 || kind === 4) && open.length > 0) {
      const startLine = open.pop()!;
      const endLine = scanner.getTokenStartLine() - 1;
      if (endLine > startLine && ranges.length < MAX_RANGES) ranges.push({ startLine, endLine });
    }
  }
  return ranges.sort((a, b) => a.startLine - b.startLine);
}
