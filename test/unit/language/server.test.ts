// Drives the real language server over stdio: diagnostics, completion, hover, quick fixes, symbols,
// folding, definition and the run lens, for YAML and JSON specs.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { docText, expandSnippet, labels, Session } from './helpers';
import { applyEdits, positionOf, type Diagnostic, type TextEditLike } from './lsp-client';

const session = new Session();
before(() => session.start());
after(() => session.stop());

const errors = (diagnostics: readonly Diagnostic[]): Diagnostic[] => diagnostics.filter((d) => d.severity === 1);

interface CodeActionLike {
  readonly title: string;
  readonly edit?: { readonly changes: Record<string, TextEditLike[]> };
}

async function codeActions(uri: string, diagnostic: Diagnostic): Promise<CodeActionLike[]> {
  const response = await session.client.request('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
  assert.equal(response.error, undefined);
  return response.result as CodeActionLike[];
}

/** Applies the named action's edit and returns the new text. */
function apply(uri: string, text: string, action: CodeActionLike | undefined): string {
  assert.ok(action?.edit, 'the action carries an edit');
  return applyEdits(text, action.edit.changes[uri]!);
}

describe('initialize', () => {
  it('announces every feature', async () => {
    const other = new Session();
    const response = await other.client.initialize();
    await other.stop();
    const capabilities = (response.result as { capabilities: Record<string, unknown> }).capabilities;
    for (const feature of ['completionProvider', 'hoverProvider', 'codeActionProvider', 'documentSymbolProvider', 'foldingRangeProvider', 'definitionProvider', 'codeLensProvider']) {
      assert.ok(capabilities[feature], `${feature} announced`);
    }
  });
});

describe('diagnostics (YAML)', () => {
  const uri = session.uri('diag.contrastive.yaml');
  it('appear for a mistake, with the rule id as code linked to its docs, and disappear when fixed', async () => {
    assert.deepEqual(await session.diagnostics(uri, 'experiment: ok\nloss:\n  type: infoNCE\n  temperature: 0.2\n'), []);
    const bad = await session.diagnostics(uri, 'experiment: ok\nloss:\n  type: infoNCE\n  temperature: -1\n');
    assert.equal(bad.length, 1);
    assert.equal(bad[0]!.code, 'schema/exclusiveMinimum');
    assert.match(bad[0]!.codeDescription!.href, /docs\/rules\.md#schema-problems$/);
    assert.deepEqual(bad[0]!.range, { start: { line: 3, character: 15 }, end: { line: 3, character: 17 } });
    assert.deepEqual(await session.diagnostics(uri, 'experiment: ok\nloss:\n  type: infoNCE\n  temperature: 0.5\n'), []);
  });

  it('semantic rules carry their id, related locations and tags', async () => {
    const text = 'experiment: ok\npairs:\n  sampler:\n    type: mPerClass\n    m: 4\nstrategy:\n  batchSize: 30\n';
    const found = await session.diagnostics(uri, text);
    const divisibility = found.find((d) => d.code === 'm-per-class-divisibility');
    assert.ok(divisibility, JSON.stringify(found));
    assert.match(divisibility.codeDescription!.href, /#m-per-class-divisibility$/);
    assert.equal(divisibility.range.start.line, 6);
    assert.equal(divisibility.relatedInformation?.[0]?.location.uri, uri);
    assert.match(divisibility.relatedInformation![0]!.message, /m = 4/);

    const unused = await session.diagnostics(uri, 'experiment: ok\nloss:\n  type: vicreg\ndistance:\n  type: cosine\npairs:\n  positives: augmentation\n  negatives:\n    type: none\n');
    const tagged = unused.find((d) => d.code === 'distance-unused');
    assert.ok(tagged, JSON.stringify(unused));
    assert.deepEqual(tagged.tags, [1]);
  });

  it('are debounced: a burst of edits is checked once, at its last version', async () => {
    const other = new Session();
    await other.client.initialize({ diagnosticsDelayMs: 150 });
    const burstUri = other.uri('burst.contrastive.yaml');
    other.set(burstUri, 'experiment: a\n');
    for (let i = 0; i < 5; i++) other.set(burstUri, `experiment: a\nloss: {type: infoNCE, temperature: ${i === 4 ? -1 : 0.1}}\n`);
    const published = await other.client.waitForDiagnostics(burstUri, (d) => d.version === 6);
    assert.equal(published.diagnostics.length, 1);
    const versions = other.client.published.filter((p) => p.uri === burstUri).map((p) => p.version);
    assert.ok(!versions.some((v) => v !== undefined && v > 1 && v < 6), `intermediate versions were checked: ${versions.join(', ')}`);
    await other.stop();
  });

  it('a syntax error is reported where it is, and the server keeps answering', async () => {
    const found = await session.diagnostics(uri, 'experiment: ok\nloss: {type: infoNCE\n');
    assert.equal(found[0]?.code, 'syntax');
    const hover = await session.at('textDocument/hover', uri, 'experiment: o|k\nloss: {type: infoNCE\n');
    assert.equal(hover.error, undefined);
  });

  it('a modeline naming another schema turns the checks off, with an information', async () => {
    const found = await session.diagnostics(uri, '# yaml-language-server: $schema=https://example.com/other.json\nfoo: bar\n');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 3);
    assert.match(found[0]!.message, /other\.json/);
    const ours = await session.diagnostics(uri, '# yaml-language-server: $schema=../schemas/experiment.schema.json\nfoo: bar\n');
    assert.ok(ours.some((d) => d.code === 'schema/additionalProperties'));
  });
});

describe('completion (YAML)', () => {
  const uri = session.uri('complete.contrastive.yaml');

  it('offers the keys allowed here that are not yet present', async () => {
    const items = await session.complete(uri, 'experiment: x\nloss:\n  type: infoNCE\n|');
    const names = labels(items);
    for (const key of ['data', 'pairs', 'distance', 'architecture', 'strategy', 'eval', 'run']) assert.ok(names.includes(key), key);
    assert.ok(!names.includes('experiment') && !names.includes('loss'), 'present keys are not offered');
    const architecture = items.find((i) => i.label === 'architecture');
    assert.match(docText(architecture), /./);
  });

  it('offers the type values of a polymorphic ingredient with their documentation', async () => {
    const items = await session.complete(uri, 'experiment: x\nloss:\n  type: |\n');
    const names = labels(items);
    for (const type of ['infoNCE', 'supCon', 'triplet', 'vicreg', 'barlowTwins', 'negativeCosine']) assert.ok(names.includes(type), type);
    assert.match(docText(items.find((i) => i.label === 'triplet')), /Triplet margin loss/);
  });

  it('after a type is chosen, offers its parameters with defaults as snippets (block and flow)', async () => {
    const block = await session.complete(uri, 'experiment: x\nloss:\n  type: triplet\n  |\n');
    const margin = block.find((i) => i.label === 'margin');
    assert.ok(margin, JSON.stringify(labels(block)));
    assert.equal(margin.insertTextFormat, 2);
    assert.equal(margin.textEdit?.newText, 'margin: ${1:0.05}');
    assert.ok(!labels(block).includes('type'));
    assert.ok(!labels(block).includes('temperature'), 'only the chosen branch’s options');

    const flow = await session.complete(uri, 'experiment: x\nloss: {type: triplet, |}\n');
    assert.ok(labels(flow).includes('margin') && labels(flow).includes('swap'));
  });

  it('completes a half-typed key that the YAML parser would read as part of the previous value', async () => {
    const items = await session.complete(uri, 'experiment: x\nloss:\n  type: triplet\n  mar|\n');
    const margin = items.find((i) => i.label === 'margin');
    assert.deepEqual(margin?.textEdit?.range, { start: { line: 3, character: 2 }, end: { line: 3, character: 5 } });
  });

  const halfTyped: [string, string][] = [
    ['experiment: x\nloss:\n  ty|', 'type'],
    ['experiment: x\npairs:\n  negatives:\n    type: queue\n    |\n  sampler: {type: random}\n', 'size'],
    ['experiment: x\ndata: {source: \nloss:\n  type: triplet\n  |\n', 'margin'],
    ['experiment: x\npairs:\n  views:\n    strong:\n    - type: cutout\n      |\n', 'size'],
    ['experiment: x\npairs:\n  views:\n    weak:\n      - {type: affine, |}\n', 'degrees'],
    ['experiment: x\nstrategy:\n  optimizer: {type: sgd, |\n', 'momentum'],
    ['experiment: x\nstrategy:\n  schedule:\n    type: cos|\n', 'cosine'],
    ['experiment: x\narchitecture:\n  backbone:\n    type: mlp\n    activation: |\n', 'gelu'],
    ['# comment\n\nexperiment: "x" # name\n\nloss:\n\n  # the loss\n  type: siglip\n\n  |\n', 'logitScale'],
  ];
  for (const [marked, expected] of halfTyped) {
    it(`half-typed: ${JSON.stringify(marked)} offers ${expected}`, async () => {
      assert.ok(labels(await session.complete(uri, marked)).includes(expected));
    });
  }

  it('offers enum values and booleans', async () => {
    const positives = await session.complete(uri, 'experiment: x\npairs:\n  positives: |\n');
    assert.deepEqual(labels(positives).sort(), ['augmentation', 'labels']);
    const swap = await session.complete(uri, 'experiment: x\nloss:\n  type: triplet\n  swap: |\n');
    assert.ok(labels(swap).includes('true') && labels(swap).includes('false'));
  });

  it('offers the options of an item in a list of augmentations', async () => {
    const items = await session.complete(uri, 'experiment: x\npairs:\n  positives: augmentation\n  views:\n    weak:\n      - type: gaussianBlur\n        |\n');
    assert.ok(labels(items).includes('sigma'), JSON.stringify(labels(items)));
  });

  it('offers folders and data files next to the spec, and builtin:digits, for data.source', async () => {
    mkdirSync(join(session.dir, 'data', 'shapes'), { recursive: true });
    writeFileSync(join(session.dir, 'data', 'wine.csv'), 'a,b,label\n1,2,0\n');
    writeFileSync(join(session.dir, 'data', 'notes.txt'), 'not data');
    const top = await session.complete(uri, 'experiment: x\ndata:\n  source: |\n');
    assert.ok(labels(top).includes('builtin:digits'));
    assert.ok(labels(top).includes('data/'));
    const inside = await session.complete(uri, 'experiment: x\ndata:\n  source: data/|\n');
    assert.ok(labels(inside).includes('data/shapes/'));
    assert.ok(labels(inside).includes('data/wine.csv'));
    assert.ok(!labels(inside).includes('data/notes.txt'));
  });

  it('offers whole-ingredient snippets that produce a valid spec', async () => {
    const text = 'experiment: x\nloss:\n  type: infoNCE\n|';
    const items = await session.complete(uri, text);
    const snippets = items.filter((i) => i.kind === 15);
    assert.deepEqual(snippets.map((s) => s.label.split(' (')[0]), ['pairs: SimCLR', 'pairs: supervised', 'pairs: MoCo']);
    for (const snippet of snippets) {
      const edited = applyEdits(text.replace('|', ''), [{ range: snippet.textEdit!.range, newText: expandSnippet(snippet.textEdit!.newText) }]);
      const found = errors(await session.diagnostics(uri, edited));
      assert.deepEqual(found, [], `${snippet.label}:\n${edited}`);
    }
  });

  it('inserting a key snippet gives a spec that checks clean', async () => {
    const text = 'experiment: x\nloss:\n  type: triplet\n  |\n';
    const items = await session.complete(uri, text);
    const margin = items.find((i) => i.label === 'smoothLoss')!;
    const edited = applyEdits(text.replace('|', ''), [{ range: margin.textEdit!.range, newText: expandSnippet(margin.textEdit!.newText) }]);
    assert.match(edited, /smoothLoss: false/);
    assert.deepEqual(errors(await session.diagnostics(uri, edited)), []);
  });

  it('offers inline ingredients as the value of a polymorphic key', async () => {
    const text = 'experiment: x\nloss: {type: circle}\ndistance: |\n';
    const items = await session.complete(uri, text);
    const cosine = items.find((i) => i.label === '{ type: cosine }');
    assert.ok(cosine, JSON.stringify(labels(items)));
    const edited = applyEdits(text.replace('|', ''), [{ range: cosine.textEdit!.range, newText: cosine.textEdit!.newText }]);
    assert.deepEqual(errors(await session.diagnostics(uri, edited)), [], edited);
  });

  it('offers the type choices when a polymorphic key is inserted', async () => {
    const items = await session.complete(uri, 'experiment: x\n|');
    const distance = items.find((i) => i.label === 'distance');
    assert.match(distance?.textEdit?.newText ?? '', /^distance:\n {2}type: \$\{1\|euclidean,.*cosine.*\|\}/);
  });
});

describe('hover, code actions, symbols, folding, definition, lens (YAML)', () => {
  const uri = session.uri('features.contrastive.yaml');
  const spec = 'experiment: x\nloss:\n  type: infoNCE\n  temperature: 0.2\ndata:\n  source: data/wine.csv\n  labelColumn: label\n';

  it('hover on a key shows its documentation, default and range', async () => {
    const response = await session.at('textDocument/hover', uri, spec.replace('temperature', 'temp|erature'));
    const value = (response.result as { contents: { value: string } }).contents.value;
    assert.match(value, /temperature/);
    assert.match(value, /Default: `0\.07`/);
    assert.match(value, /0 < value/);
  });

  it('hover on a type value shows what that ingredient does', async () => {
    const response = await session.at('textDocument/hover', uri, spec.replace('infoNCE', 'info|NCE'));
    const value = (response.result as { contents: { value: string } }).contents.value;
    assert.match(value, /InfoNCE/);
    assert.match(value, /temperature/);
  });

  it('hover still works while the file does not parse', async () => {
    const broken = 'experiment: x\nloss:\n  type: triplet\n  mar|gin: 0.1\ndata: {source: \n';
    const key = await session.at('textDocument/hover', uri, broken);
    assert.match((key.result as { contents: { value: string } }).contents.value, /\*\*margin\*\*[\s\S]*Default: `0\.05`/);
    const value = await session.at('textDocument/hover', uri, broken.replace('mar|gin', 'margin').replace('triplet', 'trip|let'));
    assert.match((value.result as { contents: { value: string } }).contents.value, /Triplet margin loss/);
  });

  it('"did you mean" renames a misspelt key; applying it clears the problem', async () => {
    const text = 'experiment: x\nloss:\n  type: infoNCE\n  temprature: 0.2\n';
    const [problem] = await session.diagnostics(uri, text);
    const actions = await codeActions(uri, problem!);
    const fixed = apply(uri, text, actions.find((a) => /temperature/.test(a.title)));
    assert.match(fixed, /^ {2}temperature: 0\.2$/m);
    assert.deepEqual(await session.diagnostics(uri, fixed), []);
  });

  it('removes an unknown key', async () => {
    const text = 'experiment: x\nloss:\n  type: infoNCE\n  zzz: 1\n  temperature: 0.2\n';
    const [problem] = await session.diagnostics(uri, text);
    const fixed = apply(uri, text, (await codeActions(uri, problem!)).find((a) => a.title.startsWith('Remove')));
    assert.equal(fixed, 'experiment: x\nloss:\n  type: infoNCE\n  temperature: 0.2\n');
    assert.deepEqual(await session.diagnostics(uri, fixed), []);
  });

  it('removes an unknown key from a flow mapping', async () => {
    const text = 'experiment: x\nloss: {type: infoNCE, zzz: 1}\n';
    const [problem] = await session.diagnostics(uri, text);
    const fixed = apply(uri, text, (await codeActions(uri, problem!)).find((a) => a.title.startsWith('Remove')));
    assert.equal(fixed, 'experiment: x\nloss: {type: infoNCE}\n');
  });

  it('"did you mean" for an enum value, and a missing type is added', async () => {
    const text = 'experiment: x\nloss:\n  type: tripplet\n';
    const [problem] = await session.diagnostics(uri, text);
    const fixed = apply(uri, text, (await codeActions(uri, problem!))[0]);
    assert.match(fixed, /type: triplet/);
    assert.deepEqual(await session.diagnostics(uri, fixed), []);

    const missing = 'experiment: x\nloss:\n  temperature: 0.2\n';
    const [noType] = await session.diagnostics(uri, missing);
    const choices = await codeActions(uri, noType!);
    assert.ok(choices.some((a) => a.title === 'Add `type: supCon`'), 'types that take `temperature` are offered');
    const added = apply(uri, missing, choices.find((a) => a.title === 'Add `type: infoNCE`'));
    assert.deepEqual(errors(await session.diagnostics(uri, added)), [], added);
  });

  it('turns `loss: infoNCE` into `loss: { type: infoNCE }`', async () => {
    const text = 'experiment: x\nloss: infoNCE\n';
    const [problem] = await session.diagnostics(uri, text);
    const fixed = apply(uri, text, (await codeActions(uri, problem!)).find((a) => a.title.startsWith('Write it as')));
    assert.equal(fixed, 'experiment: x\nloss: { type: infoNCE }\n');
    assert.deepEqual(await session.diagnostics(uri, fixed), []);
  });

  it('applies a semantic rule’s fix', async () => {
    const text = 'experiment: x\nloss:\n  type: circle\ndistance:\n  type: euclidean\n';
    const found = await session.diagnostics(uri, text);
    const circle = found.find((d) => d.code === 'circle-needs-cosine')!;
    const fixed = apply(uri, text, (await codeActions(uri, circle))[0]);
    assert.ok(!(await session.diagnostics(uri, fixed)).some((d) => d.code === 'circle-needs-cosine'), fixed);
  });

  it('outlines the ingredients with their types', async () => {
    session.set(uri, spec);
    const response = await session.client.request('textDocument/documentSymbol', { textDocument: { uri } });
    const names = (response.result as { name: string; children?: { name: string }[] }[]).map((s) => s.name);
    assert.deepEqual(names, ['experiment', 'loss: infoNCE', 'data']);
  });

  it('folds the blocks', async () => {
    session.set(uri, spec);
    const response = await session.client.request('textDocument/foldingRange', { textDocument: { uri } });
    assert.deepEqual(response.result, [
      { startLine: 1, endLine: 3 },
      { startLine: 4, endLine: 6 },
    ]);
  });

  it('goes to the data file named by data.source', async () => {
    mkdirSync(join(session.dir, 'data'), { recursive: true });
    writeFileSync(join(session.dir, 'data', 'wine.csv'), 'a,b,label\n1,2,0\n');
    const response = await session.at('textDocument/definition', uri, spec.replace('data/wine', 'data/w|ine'));
    assert.equal((response.result as { uri: string }).uri, pathToFileURL(join(session.dir, 'data', 'wine.csv')).href);
  });

  it('puts a "Run experiment" lens on the first line', async () => {
    session.set(uri, spec);
    const response = await session.client.request('textDocument/codeLens', { textDocument: { uri } });
    const [lens] = response.result as { range: { start: { line: number } }; command: { command: string; arguments: unknown[] } }[];
    assert.equal(lens!.range.start.line, 0);
    assert.equal(lens!.command.command, 'contrastiveLab.startRun');
    assert.deepEqual(lens!.command.arguments, [uri]);
  });
});

describe('JSON specs', () => {
  const uri = session.uri('spec.contrastive.json');

  it('diagnostics with exact ranges, appearing and disappearing', async () => {
    const bad = await session.diagnostics(uri, '{\n  "experiment": "x",\n  "loss": {"type": "infoNCE", "temperature": -1}\n}\n');
    assert.equal(bad.length, 1);
    const text = '{\n  "experiment": "x",\n  "loss": {"type": "infoNCE", "temperature": -1}\n}\n';
    assert.deepEqual(bad[0]!.range.start, positionOf(text, '-1'));
    assert.deepEqual(await session.diagnostics(uri, text.replace('-1', '0.3')), []);
  });

  it('completes keys (quote-aware), type values and parameters', async () => {
    const keys = await session.complete(uri, '{\n  "experiment": "x",\n  |\n}');
    const loss = keys.find((i) => i.label === 'loss');
    assert.match(loss?.textEdit?.newText ?? '', /^"loss": \{"type": \$\{1\|"contrastive",/);
    assert.ok(!labels(keys).includes('experiment'));

    const quoted = await session.complete(uri, '{"experiment": "x", "loss": {"type": "triplet", "mar|"}}');
    const margin = quoted.find((i) => i.label === 'margin');
    assert.equal(margin?.textEdit?.newText, '"margin": ${1:0.05}');
    assert.deepEqual(margin?.textEdit?.range, { start: { line: 0, character: 48 }, end: { line: 0, character: 53 } });

    const types = await session.complete(uri, '{"experiment": "x", "loss": {"type": "tri|"}}');
    const triplet = types.find((i) => i.label === 'triplet');
    assert.equal(triplet?.textEdit?.newText, '"triplet"');
    assert.match(docText(triplet), /Triplet/);
  });

  it('hover, quick fix, symbols and folding', async () => {
    const text = '{\n  "experiment": "x",\n  "loss": {\n    "type": "infoNCE",\n    "temprature": 0.2\n  }\n}\n';
    const [problem] = await session.diagnostics(uri, text);
    const actions = await codeActions(uri, problem!);
    const renamed = apply(uri, text, actions.find((a) => a.title.startsWith('Rename')));
    assert.deepEqual(await session.diagnostics(uri, renamed), []);
    const removed = apply(uri, text, actions.find((a) => a.title.startsWith('Remove')));
    assert.deepEqual(await session.diagnostics(uri, removed), [], removed);

    const hover = await session.at('textDocument/hover', uri, renamed.replace('"infoNCE"', '"info|NCE"'));
    assert.match((hover.result as { contents: { value: string } }).contents.value, /InfoNCE/);

    session.set(uri, renamed);
    const symbols = await session.client.request('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual((symbols.result as { name: string }[]).map((s) => s.name), ['experiment', 'loss: infoNCE']);
    const folding = await session.client.request('textDocument/foldingRange', { textDocument: { uri } });
    assert.deepEqual(folding.result, [
      { startLine: 0, endLine: 5 },
      { startLine: 2, endLine: 4 },
    ]);
  });

  it('a key inserted between properties brings its commas', async () => {
    for (const marked of ['{\n  "experiment": "x"\n  |\n}', '{\n  |\n  "experiment": "x"\n}', '{"experiment": "x" | "run": {}}']) {
      const items = await session.complete(uri, marked);
      const description = items.find((i) => i.label === 'description')!;
      const edits = [{ range: description.textEdit!.range, newText: expandSnippet(description.textEdit!.newText) }, ...(description.additionalTextEdits ?? [])];
      const edited = applyEdits(marked.replace('|', ''), edits);
      assert.doesNotThrow(() => JSON.parse(edited), edited);
    }
  });

  it('data paths, snippets, definition and the run lens', async () => {
    mkdirSync(join(session.dir, 'data'), { recursive: true });
    writeFileSync(join(session.dir, 'data', 'wine.csv'), 'a,b,label\n1,2,0\n');
    const paths = await session.complete(uri, '{"experiment": "x", "data": {"source": "data/|"}}');
    const wine = paths.find((i) => i.label === 'data/wine.csv');
    assert.equal(wine?.textEdit?.newText, '"data/wine.csv"');

    const text = '{\n  "experiment": "x",\n  |\n}\n';
    const items = await session.complete(uri, text);
    const moco = items.find((i) => i.label.startsWith('pairs: MoCo'));
    assert.ok(moco, JSON.stringify(labels(items)));
    const edited = applyEdits(text.replace('|', ''), [{ range: moco.textEdit!.range, newText: expandSnippet(moco.textEdit!.newText) }]);
    assert.deepEqual(errors(await session.diagnostics(uri, edited)), [], edited);

    const spec = '{"experiment": "x", "data": {"source": "data/wine.csv", "labelColumn": "label"}}';
    const definition = await session.at('textDocument/definition', uri, spec.replace('data/wine', 'data/wi|ne'));
    assert.equal((definition.result as { uri: string }).uri, pathToFileURL(join(session.dir, 'data', 'wine.csv')).href);
    const lenses = await session.client.request('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual((lenses.result as { command: { command: string; arguments: unknown[] } }[]).map((l) => l.command), [{ title: '▶ Run experiment', command: 'contrastiveLab.startRun', arguments: [uri] }]);
  });
});
