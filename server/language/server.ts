// The language server: wires documents, the analysis cache and every feature to an LSP connection.
// Transport-agnostic: main.ts picks stdio or Node IPC from the command line.

import {
  TextDocumentSyncKind,
  TextDocuments,
  type CodeLens,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { checkSpecText, loadSchema } from '../spec/index';
import { analyze, MAX_CHECKED_CHARACTERS, specDirOf, type Analysis } from './analysis';
import { codeActionsFor } from './code-actions';
import { complete } from './completion';
import type { CursorContext } from './cursor-context';
import { dataPathDefinition } from './data-paths';
import { foldingRanges } from './folding';
import { guarded } from './guard';
import { hoverAt, hoverFromText } from './hover';
import { jsonCursorContext } from './json-cursor';
import { SchemaModel, type SchemaNode } from './schema-model';
import { documentSymbols } from './symbols';
import { sweepLens } from './sweep-lens';
import { yamlCursorContext } from './yaml-cursor';

export const RUN_COMMAND = 'contrastiveLab.startRun';
const DEFAULT_DIAGNOSTICS_DELAY_MS = 150;

interface InitializationOptions {
  /** Debounce between the last edit and the diagnostics (default 150 ms). */
  readonly diagnosticsDelayMs?: number;
}

function warmUp(log: (message: string) => void): void {
  try {
    checkSpecText('experiment: warm-up\n', 'warm-up.contrastive.yaml');
  } catch (error) {
    log(`warm-up check failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const model = new SchemaModel(loadSchema() as SchemaNode);
  const analyses = new Map<string, Analysis>();
  const timers = new Map<string, NodeJS.Timeout>();
  let diagnosticsDelayMs = DEFAULT_DIAGNOSTICS_DELAY_MS;
  const log = (message: string): void => connection.console.error(message);

  /** The analysis of the document's current version (computed now if stale). */
  const current = (document: TextDocument): Analysis => {
    const cached = analyses.get(document.uri);
    if (cached !== undefined && cached.version === document.version) return cached;
    // Undo followed by redo, or a save that changed nothing, gives the same text: no re-check.
    if (cached !== undefined && cached.text === document.getText()) {
      const same = { ...cached, version: document.version };
      analyses.set(document.uri, same);
      return same;
    }
    const fresh = analyze(document);
    analyses.set(document.uri, fresh);
    return fresh;
  };

  const publish = (uri: string): void => {
    timers.delete(uri);
    const document = documents.get(uri);
    if (document === undefined) return;
    try {
      const analysis = current(document);
      void connection.sendDiagnostics({ uri, version: document.version, diagnostics: [...analysis.diagnostics] });
    } catch (error) {
      log(`diagnostics failed for ${uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  };

  const schedule = (uri: string, delay: number): void => {
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(() => publish(uri), delay));
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    if (typeof options.diagnosticsDelayMs === 'number' && options.diagnosticsDelayMs >= 0) diagnosticsDelayMs = options.diagnosticsDelayMs;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        // Few trigger characters: a space or a dash would pop suggestions up in the middle of prose.
        completionProvider: { triggerCharacters: [':', '"', '/'], resolveProvider: false },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        definitionProvider: true,
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'contrastive-lab-language-server', version: '0.1.0' },
    };
  });

  // Compiling the schema validator takes a second or two; do it before the first keystroke needs it.
  connection.onInitialized(() => {
    setImmediate(() => {
      if (documents.all().length === 0) warmUp(log);
    });
  });

  documents.onDidOpen((event) => schedule(event.document.uri, 0));
  documents.onDidChangeContent((event) => schedule(event.document.uri, diagnosticsDelayMs));
  documents.onDidClose((event) => {
    clearTimeout(timers.get(event.document.uri));
    timers.delete(event.document.uri);
    analyses.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  // A data file or folder appearing or disappearing changes what `data.source` checks find.
  connection.onDidChangeWatchedFiles(() => {
    analyses.clear();
    for (const document of documents.all()) schedule(document.uri, diagnosticsDelayMs);
  });

  connection.onCompletion(
    guarded('completion', log, (params) => {
      const document = documents.get(params.textDocument.uri);
      if (document === undefined) return [];
      const text = document.getText();
      if (text.length > MAX_CHECKED_CHARACTERS) return [];
      const offset = document.offsetAt(params.position);
      // Completion does not wait for a re-check: ancestors' types rarely change in the last edit,
      // and the cursor scan reads the nearby ones from the text itself.
      const latest = analyses.get(document.uri) ?? current(document);
      const format = latest.format;
      const context: CursorContext | undefined = format === 'json' ? jsonCursorContext(text, offset) : yamlCursorContext(text, offset);
      if (context === undefined) return [];
      return complete({
        context,
        format,
        model,
        documentValue: latest.check?.document.value,
        specDir: specDirOf(document.uri),
        rangeOf: (start, end) => ({ start: document.positionAt(start), end: document.positionAt(end) }),
        text,
      });
    }),
  );

  connection.onHover(
    guarded('hover', log, (params) => {
      const document = documents.get(params.textDocument.uri);
      const analysis = document && current(document);
      const check = analysis?.check;
      if (document === undefined || analysis === undefined || check === undefined) return null;
      const offset = document.offsetAt(params.position);
      if (check.document.value === null || check.document.value === undefined) {
        const rangeOf = (start: number, end: number) => ({ start: document.positionAt(start), end: document.positionAt(end) });
        return hoverFromText(analysis.text, offset, analysis.format, model, rangeOf) ?? null;
      }
      return hoverAt(check.document, offset, model) ?? null;
    }),
  );

  connection.onCodeAction(
    guarded('code action', log, (params) => {
      const document = documents.get(params.textDocument.uri);
      const check = document && current(document).check;
      if (document === undefined || check === undefined) return [];
      return codeActionsFor(document.uri, check.document, check.problems, model, params.range, params.context.diagnostics);
    }),
  );

  connection.onDocumentSymbol(
    guarded('document symbols', log, (params) => {
      const document = documents.get(params.textDocument.uri);
      const check = document && current(document).check;
      if (document === undefined || check === undefined) return [];
      return documentSymbols(check.document);
    }),
  );

  connection.onFoldingRanges(
    guarded('folding ranges', log, (params) => {
      const document = documents.get(params.textDocument.uri);
      if (document === undefined) return [];
      return foldingRanges(document.getText(), current(document).format);
    }),
  );

  connection.onDefinition(
    guarded('definition', log, (params) => {
      const document = documents.get(params.textDocument.uri);
      const check = document && current(document).check;
      if (document === undefined || check === undefined) return null;
      return dataPathDefinition(check.document, document.offsetAt(params.position), specDirOf(document.uri)) ?? null;
    }),
  );

  connection.onCodeLens(
    guarded('code lens', log, (params): CodeLens[] => {
      const document = documents.get(params.textDocument.uri);
      if (document === undefined) return [];
      const origin = { line: 0, character: 0 };
      const lenses: CodeLens[] = [{ range: { start: origin, end: origin }, command: { title: '▶ Run experiment', command: RUN_COMMAND, arguments: [document.uri] } }];
      const check = current(document).check;
      const sweep = check && sweepLens(check.document, document.uri);
      return sweep ? [...lenses, sweep] : lenses;
    }),
  );

  connection.onShutdown(() => {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  });

  documents.listen(connection);
  connection.listen();
}
