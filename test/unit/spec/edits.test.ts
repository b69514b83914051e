// Fix edits keep the user's layout and produce valid YAML/JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits, removeField, renameKey, renderValue, setField } from '../../../server/spec/edits';
import type { TextEdit } from '../../../server/spec/problems';
import { check } from './helpers';

const apply = (text: string, edit: (doc: ReturnType<typeof check>['document']) => TextEdit[] | undefined, file?: string): string => {
  const { document } = check(text, {}, file);
  const edits = edit(document);
  assert.ok(edits, 'an edit was produced');
  return applyEdits(document, text, edits);
};

test('renderValue quotes strings that YAML would read as something else', () => {
  assert.equal(renderValue('supCon', 'yaml'), 'supCon');
  assert.equal(renderValue('true', 'yaml'), '"true"');
  assert.equal(renderValue('123', 'yaml'), '"123"');
  assert.equal(renderValue('builtin:digits', 'yaml'), '"builtin:digits"');
  assert.equal(renderValue({ type: 'queue', size: 4096 }, 'yaml'), '{ type: queue, size: 4096 }');
  assert.equal(renderValue([0.5, 1], 'yaml'), '[0.5, 1]');
  assert.equal(renderValue({ type: 'batch' }, 'json'), '{"type":"batch"}');
});

test('setField replaces a written value, block or flow', () => {
  assert.equal(apply('experiment: x\nloss:\n  type: triplet\n  margin: 0.1\n', (d) => setField(d, ['loss', 'margin'], 0.2)), 'experiment: x\nloss:\n  type: triplet\n  margin: 0.2\n');
  assert.equal(apply('experiment: x\nloss: { type: triplet, margin: 0.1 }\n', (d) => setField(d, ['loss'], { type: 'supCon' })), 'experiment: x\nloss: { type: supCon }\n');
});

test('setField inserts a missing key at the indentation of its block mapping', () => {
  const out = apply('experiment: x\nstrategy:\n  epochs: 3\n', (d) => setField(d, ['strategy', 'stopGradient'], true));
  assert.equal(out, 'experiment: x\nstrategy:\n  stopGradient: true\n  epochs: 3\n');
  const nested = apply('experiment: x\nstrategy:\n  epochs: 3\n', (d) => setField(d, ['strategy', 'ema', 'tauStart'], 0.99));
  assert.equal(check(nested).spec?.strategy.ema?.tauStart, 0.99);
  const root = apply('experiment: x\n', (d) => setField(d, ['pairs', 'negatives'], { type: 'none' }));
  assert.equal(root, 'experiment: x\npairs: { negatives: { type: none } }\n');
});

test('setField inserts into flow mappings, empty mappings and JSON', () => {
  assert.equal(apply('experiment: x\nstrategy: { epochs: 3 }\n', (d) => setField(d, ['strategy', 'seed'], 1)), 'experiment: x\nstrategy: { seed: 1, epochs: 3 }\n');
  assert.equal(apply('experiment: x\nstrategy: {}\n', (d) => setField(d, ['strategy', 'seed'], 1)), 'experiment: x\nstrategy: { seed: 1 }\n');
  const json = apply('{"experiment": "x", "strategy": {"epochs": 3}}', (d) => setField(d, ['strategy', 'seed'], 1), '/tmp/x.json');
  assert.deepEqual(JSON.parse(json).strategy, { seed: 1, epochs: 3 });
});

test('renameKey and removeField', () => {
  assert.equal(apply('experiment: x\nloss: { type: infoNCE, temprature: 0.1 }\n', (d) => renameKey(d, ['loss', 'temprature'], 'temperature')), 'experiment: x\nloss: { type: infoNCE, temperature: 0.1 }\n');
  assert.equal(apply('{"experiment": "x", "los": {}}', (d) => renameKey(d, ['los'], 'loss'), '/tmp/x.json'), '{"experiment": "x", "loss": {}}');
  assert.equal(apply('experiment: x\ndistance:\n  type: cosine\nloss: { type: vicreg }\n', (d) => removeField(d, ['distance'])), 'experiment: x\nloss: { type: vicreg }\n');
  const { document } = check('experiment: x\nloss: { type: vicreg, temperature: 1 }\n');
  assert.equal(removeField(document, ['loss', 'temperature']), undefined, 'no removal inside flow mappings');
});

test('setField adds a missing top-level section after the written ones before it in the schema order, never above experiment:', () => {
  const text = '# yaml-language-server: $schema=x\nexperiment: x  # a name\ndata:\n  source: builtin:digits\n  limit: 20\n\n# the network\narchitecture:\n  representationSize: 8\nstrategy: { batchSize: 8 }\n';
  assert.equal(
    apply(text, (d) => setField(d, ['eval', 'knn', 'k'], 16)),
    '# yaml-language-server: $schema=x\nexperiment: x  # a name\ndata:\n  source: builtin:digits\n  limit: 20\n\n# the network\narchitecture:\n  representationSize: 8\nstrategy: { batchSize: 8 }\neval: { knn: { k: 16 } }\n',
  );
  // `distance` comes after data and pairs in the schema: after `data:`'s block, before the comment of the next section.
  assert.equal(
    apply(text, (d) => setField(d, ['distance'], { type: 'cosine' })),
    '# yaml-language-server: $schema=x\nexperiment: x  # a name\ndata:\n  source: builtin:digits\n  limit: 20\ndistance: { type: cosine }\n\n# the network\narchitecture:\n  representationSize: 8\nstrategy: { batchSize: 8 }\n',
  );
  assert.equal(apply('experiment: x\n', (d) => setField(d, ['eval', 'every'], 1)), 'experiment: x\neval: { every: 1 }\n');
});
