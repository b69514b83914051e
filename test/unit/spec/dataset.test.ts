// The spec pipeline's dataset probe: what `validate` (and the language server) report about a data
// source must match what `train` loads: the same rows, labels and images.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import { listImageFolder } from '../../../server/contrastive/data/imageFolder';
import { loadData } from '../../../server/contrastive/data/load';
import { probeDatasetOnDisk } from '../../../server/spec/dataset';
import { dataSpec } from '../data/helpers';

const tmp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-probe-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

test('csv: quoted commas, a BOM, CRLF and blank lines give the same rows, columns and classes as the loader', async () => {
  const dir = tmp();
  const text = '\uFEFF"x, first",y,"kind"\r\n"1.5",2,"cat, big"\r\n\r\n3,4,dog\r\n5,6,"cat, big"\r\n';
  writeFileSync(join(dir, 'v.csv'), text);
  const spec = dataSpec({ source: 'v.csv', format: 'csv', labelColumn: 'kind', normalize: 'none', split: { testFraction: 0, seed: 0 } });
  const { dataset } = await loadData(spec, { specDir: dir, cacheDir: null });
  assert.deepEqual(dataset.classNames, ['cat, big', 'dog']);
  const info = probeDatasetOnDisk(spec, dir);
  assert.deepEqual(info, { size: dataset.count, labelled: true, kind: 'vectors', columns: ['x, first', 'y', 'kind'], classes: 2 });
  assert.equal(info.size, 3);
});

test('csv: a label column the header lacks makes the probe say unlabelled and list the real columns', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'v.csv'), 'a,"b,c"\n1,2\n');
  assert.deepEqual(probeDatasetOnDisk(dataSpec({ source: 'v.csv', format: 'csv', labelColumn: 'label' }), dir), { size: 1, labelled: false, kind: 'vectors', columns: ['a', 'b,c'] });
});

test('jsonl: a BOM and blank lines are skipped; labels 1 and "1" are one class, as the loader reads them', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'v.jsonl'), '\uFEFF{"vector":[1,2],"label":1}\n\n{"vector":[3,4],"label":"1"}\n{"vector":[5,6],"label":"b"}\n');
  const spec = dataSpec({ source: 'v.jsonl', format: 'jsonl', labelColumn: 'label', normalize: 'none', split: { testFraction: 0, seed: 0 } });
  const { dataset } = await loadData(spec, { specDir: dir, cacheDir: null });
  assert.deepEqual(probeDatasetOnDisk(spec, dir), { size: dataset.count, labelled: true, kind: 'vectors', columns: ['vector', 'label'], classes: dataset.classNames!.length });
  assert.equal(dataset.count, 3);
  assert.equal(dataset.classNames!.length, 2);
});

test('images: the probe counts the files the loader lists (.tif included, hidden folders and other files skipped)', () => {
  const dir = tmp();
  for (const [folder, file] of [['cat', 'a.png'], ['cat', 'b.tif'], ['dog', 'c.JPG'], ['dog', 'notes.txt'], ['.thumbs', 'd.png'], ['empty', 'readme.md']] as const) {
    mkdirSync(join(dir, 'imgs', folder), { recursive: true });
    writeFileSync(join(dir, 'imgs', folder, file), 'listed, not decoded');
  }
  const spec = dataSpec({ source: 'imgs', format: 'images' });
  const listed = listImageFolder(join(dir, 'imgs'));
  assert.deepEqual(probeDatasetOnDisk(spec, dir), { size: listed.files.length, labelled: true, kind: 'images', classes: 2 });
  assert.equal(listed.files.length, 3);
  mkdirSync(join(dir, 'none'));
  assert.deepEqual(probeDatasetOnDisk(dataSpec({ source: 'none', format: 'images' }), dir), { size: 0, labelled: false, kind: 'images' });
});

test('a missing source gives no facts (the missing-source rule reports it)', () => {
  assert.equal(probeDatasetOnDisk(dataSpec({ source: 'no/such.csv', format: 'csv' }), tmp()), undefined);
});

test('the probe stays free of tfjs and sharp, so the language server can load it', async () => {
  const result = await esbuild.build({ entryPoints: [join(__dirname, '../../../server/spec/dataset.ts')], bundle: true, platform: 'node', write: false, metafile: true, logLevel: 'silent' });
  const heavy = Object.keys(result.metafile.inputs).filter((input) => /node_modules\/(@tensorflow|sharp)\//.test(input));
  assert.deepEqual(heavy, []);
});
