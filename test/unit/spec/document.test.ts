// SpecDocument maps paths to source ranges and back, for YAML and JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check } from './helpers';

const text = 'experiment: x\nloss:\n  type: infoNCE   # comment\n  temperature: 0.2\npairs:\n  views:\n    strong:\n      - { type: cutout, size: 4 }\n';

const slice = (doc: ReturnType<typeof check>['document'], range: { start: { line: number; character: number }; end: { line: number; character: number } } | undefined) =>
  range ? doc.text.slice(doc.offsetAt(range.start), doc.offsetAt(range.end)) : undefined;

test('rangeOf and keyRangeOf find values and keys, including inside flow collections', () => {
  const { document } = check(text);
  assert.equal(slice(document, document.rangeOf(['loss', 'temperature'])), '0.2');
  assert.equal(slice(document, document.keyRangeOf(['loss', 'temperature'])), 'temperature');
  assert.equal(slice(document, document.rangeOf(['loss', 'type'])), 'infoNCE');
  assert.equal(slice(document, document.rangeOf(['pairs', 'views', 'strong', 0, 'size'])), '4');
  assert.equal(slice(document, document.rangeOf(['loss'])), 'type: infoNCE   # comment\n  temperature: 0.2');
  assert.equal(document.rangeOf(['loss', 'margin']), undefined);
  assert.equal(document.has(['pairs', 'views', 'weak']), false);
});

test('pathAt tells which field an offset is in, and whether on its key', () => {
  const { document } = check(text);
  assert.deepEqual(document.pathAt(text.indexOf('temperature') + 2), { path: ['loss', 'temperature'], onKey: true });
  assert.deepEqual(document.pathAt(text.indexOf('0.2') + 1), { path: ['loss', 'temperature'], onKey: false });
  assert.deepEqual(document.pathAt(text.indexOf('cutout') + 1), { path: ['pairs', 'views', 'strong', 0, 'type'], onKey: false });
});

test('pathAt after `key: ` with no value yet belongs to that key', () => {
  const draft = 'experiment: x\nloss: \n';
  const { document } = check(draft);
  assert.deepEqual(document.pathAt(draft.indexOf('loss:') + 6).path, ['loss']);
});

test('offsetAt and positionAt are inverse, with UTF-16 columns', () => {
  const unicode = 'experiment: "🚀 x"\nloss: { type: supCon }\n';
  const { document } = check(unicode);
  for (let offset = 0; offset <= unicode.length; offset++) assert.equal(document.offsetAt(document.positionAt(offset)), offset);
  assert.deepEqual(document.positionAt(unicode.indexOf('loss')), { line: 1, character: 0 });
  assert.equal(document.offsetAt({ line: 99, character: 0 }), unicode.length);
});

test('JSON documents keep ranges too', () => {
  const json = '{\n  "experiment": "x",\n  "loss": { "type": "supCon", "temperature": 0.5 }\n}\n';
  const { document } = check(json, {}, '/tmp/x.json');
  assert.equal(document.format, 'json');
  assert.equal(slice(document, document.rangeOf(['loss', 'temperature'])), '0.5');
  assert.equal(slice(document, document.keyRangeOf(['loss'])), '"loss"');
});
