// Fuzz: 10,000 random incremental edits to the example specs (YAML and JSON) through the protocol,
// with requests sprinkled in. Every request must be answered without an error, and the server must
// still be alive and publishing diagnostics for the final text at the end.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, it } from 'node:test';
import { parse } from 'yaml';
import { Session } from './helpers';
import { offsetAt, ROOT, type ResponseMessage } from './lsp-client';

const EDITS = 10_000;
const BATCH = 100;
const session = new Session();
before(() => session.start());
after(() => session.stop());

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [':', ': ', ' ', '\n', '\n  ', '- ', '{', '}', '[', ']', ',', '"', "'", '#', '\t', 'type: ', 'type: infoNCE', 'loss', 'temperature: 0.1', 'pairs:\n  ', '&a ', '*a', '!!str ', '|', '>', '---\n', '…', '🧪', '\u0000', '\r\n', '0.5', '-1', 'null', 'true', '[1, 2]', '{type: queue, size: 8}', 'builtin:digits', 'data/'];

interface FuzzDocument {
  readonly uri: string;
  readonly original: string;
  text: string;
  version: number;
}

function examples(): FuzzDocument[] {
  const folder = join(ROOT, 'examples');
  const files = readdirSync(folder).filter((f) => f.endsWith('.contrastive.yaml')).sort().slice(0, 4);
  const documents = files.map((f) => ({ uri: pathToFileURL(join(folder, f)).href, original: readFileSync(join(folder, f), 'utf8'), text: '', version: 0 }));
  // The same specs as JSON, to fuzz the JSON path too.
  for (const f of files.slice(0, 2)) {
    const json = `${JSON.stringify(parse(readFileSync(join(folder, f), 'utf8')), null, 2)}\n`;
    documents.push({ uri: pathToFileURL(join(folder, f.replace(/\.yaml$/, '.json'))).href, original: json, text: '', version: 0 });
  }
  return documents;
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

it(`survives ${EDITS} random edits with every request answered`, { timeout: 120_000 }, async () => {
  const next = random(20261128);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const documents = examples();
  assert.ok(documents.length >= 4, 'examples/ holds spec files to fuzz');
  for (const d of documents) {
    d.text = d.original;
    d.version = 1;
    session.client.open(d.uri, d.text, d.uri.endsWith('.json') ? 'json' : 'yaml');
  }
  let pending: Promise<ResponseMessage>[] = [];
  let requests = 0;
  const started = Date.now();
  for (let edit = 0; edit < EDITS; edit++) {
    const d = pick(documents);
    if (edit % 1000 === 999) {
      d.text = d.original;
      d.version++;
      session.client.changeFull(d.uri, d.text, d.version);
      continue;
    }
    const start = Math.floor(next() * (d.text.length + 1));
    const roll = next();
    const removeLength = roll < 0.4 ? 0 : Math.floor(next() * 12);
    const end = Math.min(d.text.length, start + removeLength);
    const insert = roll < 0.85 ? pick(FRAGMENTS) : '';
    const range = { start: positionAt(d.text, start), end: positionAt(d.text, end) };
    // Positions must be computed on the text as the server sees it (LSP offsets are UTF-16, as here).
    assert.equal(offsetAt(d.text, range.start), start);
    d.text = d.text.slice(0, start) + insert + d.text.slice(end);
    d.version++;
    session.client.notify('textDocument/didChange', { textDocument: { uri: d.uri, version: d.version }, contentChanges: [{ range, text: insert }] });
    if (next() < 0.1) {
      requests++;
      const offset = Math.floor(next() * (d.text.length + 1));
      const position = positionAt(d.text, offset);
      const method = pick(['textDocument/completion', 'textDocument/completion', 'textDocument/hover', 'textDocument/codeAction', 'textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/definition']);
      const params =
        method === 'textDocument/codeAction'
          ? { textDocument: { uri: d.uri }, range: { start: positionAt(d.text, 0), end: position }, context: { diagnostics: [] } }
          : method === 'textDocument/documentSymbol' || method === 'textDocument/foldingRange'
            ? { textDocument: { uri: d.uri } }
            : { textDocument: { uri: d.uri }, position };
      pending.push(session.client.request(method, params));
    }
    if (edit % BATCH === BATCH - 1) {
      const answers = await Promise.all(pending);
      for (const answer of answers) assert.equal(answer.error, undefined, `request failed after edit ${edit}: ${JSON.stringify(answer.error)}`);
      pending = [];
    }
  }
  const answers = await Promise.all(pending);
  for (const answer of answers) assert.equal(answer.error, undefined, JSON.stringify(answer.error));
  assert.ok(requests > EDITS / 20, `${requests} requests were made`);
  for (const d of documents) await session.client.waitForDiagnostics(d.uri, () => true, d.version, 30_000);
  assert.equal(session.client.exitCode, null, 'the server is alive');
  assert.deepEqual(session.client.logs, [], 'no failures logged');
  assert.equal(session.client.stderr.join(''), '', 'nothing written to stderr');
  assert.ok(Date.now() - started < 120_000);
});
