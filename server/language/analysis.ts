// One analysis per document version: the shared spec pipeline's result and the diagnostics derived
// from it, cached so that diagnostics, hover, code actions and symbols never re-parse the same text.
// Guards keep the server responsive: oversized files are not checked, and a pipeline failure
// becomes one diagnostic instead of a dead server.

import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { checkSpecText, SCHEMA_ID } from '../spec/index';
import { DIAGNOSTIC_SOURCE, toDiagnostic } from './diagnostics';
import { findModeline, isOurSchema } from './modeline';
import type { SpecFormat } from './render-value';
import { cachedDatasetProbe } from './datasetProbe';

/** One cache for every open spec: several specs often train on the same data. */
const probeDataset = cachedDatasetProbe();

export type CheckResult = ReturnType<typeof checkSpecText>;

/** Spec files are small; above this the live check stops (the CLI still validates them). */
export const MAX_CHECKED_CHARACTERS = 1_000_000;

export interface Analysis {
  readonly version: number;
  readonly format: SpecFormat;
  readonly text: string;
  /** The pipeline's result; undefined when the file is too large, not ours, or the check failed. */
  readonly check: CheckResult | undefined;
  readonly diagnostics: readonly Diagnostic[];
  /** Milliseconds the pipeline took (for the benchmark and the trace log). */
  readonly elapsedMs: number;
}

export function formatOf(uri: string, languageId: string): SpecFormat {
  return languageId === 'json' || languageId === 'jsonc' || /\.json$/i.test(uri) ? 'json' : 'yaml';
}

/** The file system path of a `file:` URI, or undefined (unsaved documents, other schemes). */
export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function specDirOf(uri: string): string | undefined {
  const path = filePathOf(uri);
  return path === undefined ? undefined : dirname(path);
}

function info(message: string, line = 0, start = 0, end = 0): Diagnostic {
  return { range: { start: { line, character: start }, end: { line, character: end } }, severity: DiagnosticSeverity.Information, source: DIAGNOSTIC_SOURCE, message };
}

export function analyze(document: TextDocument): Analysis {
  const started = performance.now();
  const text = document.getText();
  const format = formatOf(document.uri, document.languageId);
  const done = (check: CheckResult | undefined, diagnostics: Diagnostic[]): Analysis => ({ version: document.version, format, text, check, diagnostics, elapsedMs: performance.now() - started });

  if (text.length > MAX_CHECKED_CHARACTERS) {
    const size = (text.length / 1_000_000).toFixed(1);
    return done(undefined, [info(`This file has ${size} million characters; Contrastive Lab checks spec files up to ${MAX_CHECKED_CHARACTERS / 1_000_000} million as you type. Run \`contrastive-lab validate\` on it instead, or split the data out of the spec.`)]);
  }
  if (format === 'yaml') {
    const modeline = findModeline(text);
    if (modeline !== undefined && !isOurSchema(modeline.schema, SCHEMA_ID)) {
      return done(undefined, [
        info(
          `The modeline asks for the schema ${modeline.schema}, so Contrastive Lab does not check this file. Remove the modeline (or point it at ${SCHEMA_ID}) to get experiment checks.`,
          modeline.line,
          modeline.start,
          modeline.end,
        ),
      ]);
    }
  }
  const file = filePathOf(document.uri) ?? document.uri;
  try {
    const check = checkSpecText(text, file, { datasetInfo: probeDataset });
    return done(check, check.problems.map((p) => toDiagnostic(p, document.uri)));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return done(undefined, [info(`Contrastive Lab could not check this file: ${message}. Please report this with the file attached.`)]);
  }
}
