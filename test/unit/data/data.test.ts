import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { DataError } from '../../../server/contrastive/data/errors';
import { loadData, splitIndices } from '../../../server/contrastive/data/load';
import { probeDatasetOnDisk } from '../../../server/spec/dataset';
import { dataSpec } from './helpers';

const tmp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-data-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

async function rejectsWithDataError(promise: Promise<unknown>, where: RegExp, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    assert.match(e.where, where);
    assert.match(e.message, message);
    return true;
  });
}

test('builtin digits: 10,000 labelled 28x28 images split 8,000/2,000, the same for the same seed', async () => {
  const a = await loadData(dataSpec({}), { specDir: '.', cacheDir: null });
  assert.equal(a.dataset.count, 10000);
  assert.deepEqual(a.dataset.sampleShape, [28, 28, 1]);
  assert.equal(a.train.length, 8000);
  assert.equal(a.test.length, 2000);
  const counts = new Array(10).fill(0);
  for (const l of a.dataset.labels!) counts[l]++;
  assert.deepEqual(counts, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  assert.ok(a.dataset.x.every((v) => v >= 0 && v <= 1), 'zeroOne puts pixels in 0..1');
  const again = splitIndices(10000, null, 0.2, 0);
  assert.deepEqual(Array.from(again.test), Array.from(a.test));
  const other = splitIndices(10000, null, 0.2, 1);
  assert.notDeepEqual(Array.from(other.test.subarray(0, 20)), Array.from(a.test.subarray(0, 20)));
});

test('a sample limit keeps a seeded mix of classes, not the first class only', async () => {
  const { dataset, train, test: held } = await loadData(dataSpec({ limit: 500 }), { specDir: '.', cacheDir: null });
  assert.equal(dataset.count, 500);
  assert.equal(train.length + held.length, 500);
  assert.equal(new Set(dataset.labels).size, 10);
});

test('CSV vectors with a label column; standardize uses training statistics', async () => {
  const dir = tmp();
  const rows = ['a,b,"kind"'];
  for (let i = 0; i < 20; i++) rows.push(`${i},${i * 2},${i % 2 === 0 ? 'even' : 'odd'}`);
  writeFileSync(join(dir, 'v.csv'), rows.join('\n') + '\n');
  const { dataset, train } = await loadData(dataSpec({ source: 'v.csv', format: 'csv', labelColumn: 'kind', normalize: 'standardize', split: { testFraction: 0.25, seed: 3 } }), { specDir: dir, cacheDir: null });
  assert.equal(dataset.kind, 'vectors');
  assert.deepEqual(dataset.sampleShape, [2]);
  assert.deepEqual(dataset.classNames, ['even', 'odd']);
  let mean = 0;
  for (const s of train) mean += dataset.x[s * 2]!;
  assert.ok(Math.abs(mean / train.length) < 1e-5);
});

test('a ragged CSV row names the file and the line', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'bad.csv'), 'x,y,label\n1,2,a\n3,b\n');
  await rejectsWithDataError(loadData(dataSpec({ source: 'bad.csv', format: 'csv', labelColumn: 'label' }), { specDir: dir, cacheDir: null }), /bad\.csv:3$/, /2 fields but the header has 3/);
});

test('a non-numeric CSV value and a missing label column are explained', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'v.csv'), 'x,y\n1,2\n3,oops\n');
  await rejectsWithDataError(loadData(dataSpec({ source: 'v.csv', format: 'csv' }), { specDir: dir, cacheDir: null }), /v\.csv:3$/, /"oops", which is not a finite number/);
  await rejectsWithDataError(loadData(dataSpec({ source: 'v.csv', format: 'csv', labelColumn: 'label' }), { specDir: dir, cacheDir: null }), /v\.csv:1$/, /no column named "label"/);
});

test('JSON Lines vectors: array field or numeric fields; a short line names its line', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'v.jsonl'), '{"vector":[1,2,3],"label":"a"}\n{"vector":[4,5,6],"label":"b"}\n');
  const { dataset } = await loadData(dataSpec({ source: 'v.jsonl', format: 'jsonl', labelColumn: 'label', normalize: 'none', split: { testFraction: 0, seed: 0 } }), { specDir: dir, cacheDir: null });
  assert.deepEqual(Array.from(dataset.x), [1, 2, 3, 4, 5, 6]);
  writeFileSync(join(dir, 'bad.jsonl'), '{"a":1,"b":2}\n{"a":1}\n');
  await rejectsWithDataError(loadData(dataSpec({ source: 'bad.jsonl', format: 'jsonl' }), { specDir: dir, cacheDir: null }), /bad\.jsonl:2$/, /field "b" is missing/);
});

test('a missing path is named with where it was resolved from', async () => {
  await rejectsWithDataError(loadData(dataSpec({ source: 'no/such/folder', format: 'images' }), { specDir: '/tmp', cacheDir: null }), /\/tmp\/no\/such\/folder$/, /does not exist/);
});

test('image folder: class sub-folders become labels, decoded once then read from the cache', async () => {
  const dir = tmp();
  for (const cls of ['cat', 'dog']) {
    mkdirSync(join(dir, 'imgs', cls), { recursive: true });
    for (let i = 0; i < 3; i++) {
      const value = cls === 'cat' ? 40 : 200;
      await sharp({ create: { width: 12, height: 10, channels: 3, background: { r: value, g: value, b: value } } }).png().toFile(join(dir, 'imgs', cls, `${i}.png`));
    }
  }
  const spec = dataSpec({ source: 'imgs', format: 'images', imageSize: 8, channels: 1, normalize: 'none', split: { testFraction: 0, seed: 0 } });
  const cacheDir = join(dir, '.cache');
  const first = await loadData(spec, { specDir: dir, cacheDir });
  assert.equal(readdirSync(cacheDir).filter((f) => f.startsWith('images-')).length, 1);
  const second = await loadData(spec, { specDir: dir, cacheDir });
  assert.deepEqual(Array.from(second.dataset.x), Array.from(first.dataset.x));
  assert.deepEqual(first.dataset.classNames, ['cat', 'dog']);
  assert.deepEqual(first.dataset.sampleShape, [8, 8, 1]);
  assert.equal(first.dataset.x[0], 40);
  assert.equal(first.dataset.ids[0], 'cat/0.png');
  // The spec pipeline's probe only lists files, so a broken image does not slow the editor down...
  writeFileSync(join(dir, 'imgs', 'dog', '0.png'), 'not a png any more');
  assert.deepEqual(probeDatasetOnDisk(spec, dir), { kind: 'images', size: 6, labelled: true, classes: 2 });
  // ...but the key includes mtime and size, so the broken file is decoded and reported.
  await rejectsWithDataError(loadData(spec, { specDir: dir, cacheDir }), /dog\/0\.png$/, /cannot read this image/);
});

test('a flat image folder is unlabelled', async () => {
  const dir = tmp();
  await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toFile(join(dir, 'a.png'));
  assert.deepEqual(probeDatasetOnDisk(dataSpec({ source: '.', format: 'images' }), dir), { kind: 'images', size: 1, labelled: false });
});
