// Go to definition on `data.source`: a local path (relative to the spec file) opens that file or
// reveals that folder.

import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location } from 'vscode-languageserver';
import type { SpecDocument } from '../spec/document';

export function dataPathDefinition(document: SpecDocument, offset: number, specDir: string | undefined): Location | undefined {
  if (specDir === undefined) return undefined;
  const { path } = document.pathAt(offset);
  if (path.length !== 2 || path[0] !== 'data' || path[1] !== 'source') return undefined;
  const value = (document.value as { data?: { source?: unknown } } | null)?.data?.source;
  if (typeof value !== 'string' || value.startsWith('builtin:') || value.trim() === '') return undefined;
  const target = isAbsolute(value) ? value : resolve(specDir, value);
  if (!existsSync(target)) return undefined;
  const origin = { line: 0, character: 0 };
  return { uri: pathToFileURL(target).href, range: { start: origin, end: origin } };
}
