// Paired data (data/pairs): CSV and JSON Lines rows of two inputs (image path, text, numeric columns),
// two folders matched by file stem, and builtin:digits-captions. A bad row is reported as
// `path:line`, with the side and the column, and how to fix it.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import { CAPTION_TEMPLATES, DIGITS_CAPTIONS_SOURCE, loadPairs, type PairedData } from '../../../server/contrastive/data/pairs';
import { DataError } from '../../../server/contrastive/data/errors';
import { tempDir } from '../trainer/helpers';

const dir = tempDir('pairs');
const images = { size: 8, channels: 1 as const };

async function png(path: string, shade: number): Promise<void> {
  await sharp({ create: { width: 12, height: 12, channels: 3, background: { r: shade, g: shade, b: shade } } }).png().toFile(path);
}

before(async () => {
  mkdirSync(join(dir, 'img'));
  await png(join(dir, 'img', 'dark.png'), 20);
  await png(join(dir, 'img', 'light.png'), 230);
  writeFileSync(join(dir, 'img', 'broken.png'), 'not a png');
});

async function rejects(promise: Promise<unknown>, where: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.where, where);
    assert.match(e.message, message);
    return true;
  });
}

const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('pairs from a CSV file', () => {
  test('an image column and a text column, with labels: images decoded, texts kept, ids by line', async () => {
    const path = file('captions.csv', 'image,caption,kind\nimg/dark.png,"a dark square, small",dark\n\nimg/light.png,a light square,light\n');
    const pairs: PairedData = await loadPairs({ file: path, a: { image: 'image' }, b: { text: 'caption' }, labelColumn: 'kind' }, images);
    assert.equal(pairs.count, 2);
    assert.deepEqual(pairs.ids, ['line:2', 'line:4']);
    assert.equal(pairs.a.kind, 'image');
    if (pairs.a.kind !== 'image') return;
    assert.deepEqual(pairs.a.shape, [8, 8, 1]);
    assert.ok(pairs.a.pixels[0]! < 40 && pairs.a.pixels[64]! > 200, 'row 1 is the dark image, row 2 the light one');
    assert.deepEqual(pairs.b, { kind: 'text', texts: ['a dark square, small', 'a light square'] });
    assert.deepEqual([...pairs.labels!], [0, 1]);
    assert.deepEqual(pairs.classNames, ['dark', 'light']);
  });

  test('numeric columns on both sides, in the order the spec names them', async () => {
    const path = file('features.csv', 'x1,x2,y1,y2,y3\n1,2,3,4,5\n6,7,8,9,10\n');
    const pairs = await loadPairs({ file: path, a: { numeric: ['x2', 'x1'] }, b: { numeric: ['y1', 'y2', 'y3'] }, labelColumn: null }, images);
    assert.ok(pairs.a.kind === 'numeric' && pairs.b.kind === 'numeric');
    assert.deepEqual([...pairs.a.values], [2, 1, 7, 6]);
    assert.equal(pairs.b.dim, 3);
    assert.deepEqual([...pairs.b.values], [3, 4, 5, 8, 9, 10]);
    assert.equal(pairs.labels, null);
  });

  test('a missing image names path:line, the side and the column', async () => {
    const path = file('missing.csv', 'image,caption\nimg/dark.png,dark\nimg/nope.png,gone\n');
    await rejects(loadPairs({ file: path, a: { image: 'image' }, b: { text: 'caption' }, labelColumn: null }, images), `${path}:3`, /side a \(column "image"\): the image "img\/nope\.png" does not exist/);
  });

  test('an empty caption and a non-number are errors of side b at their line', async () => {
    const empty = file('empty.csv', 'image,caption\nimg/dark.png,dark\nimg/light.png,\n');
    await rejects(loadPairs({ file: empty, a: { image: 'image' }, b: { text: 'caption' }, labelColumn: null }, images), `${empty}:3`, /side b \(column "caption"\): is empty; every row needs a text here/);
    const nan = file('nan.csv', 'x,y\n1,2\n3,abc\n');
    await rejects(loadPairs({ file: nan, a: { numeric: ['x'] }, b: { numeric: ['y'] }, labelColumn: null }, images), `${nan}:3`, /side b \(column "y"\): "abc" is not a finite number/);
  });

  test('a column the header lacks is reported at the header line with the columns it has', async () => {
    const path = file('header.csv', 'image,text\nimg/dark.png,dark\n');
    await rejects(loadPairs({ file: path, a: { image: 'image' }, b: { text: 'caption' }, labelColumn: null }, images), `${path}:1`, /no column "caption" \(it has "image", "text"\)/);
  });

  test('an image that cannot be decoded is reported at the row that names it, with its side', async () => {
    const path = file('broken.csv', 'caption,image\nfine,img/dark.png\nbad,img/broken.png\n');
    await rejects(loadPairs({ file: path, a: { text: 'caption' }, b: { image: 'image' }, labelColumn: null }, images), `${path}:3`, /side b \(column "image"\): .*broken\.png: cannot read this image/);
  });
});

describe('pairs from a JSON Lines file', () => {
  test('a text and numeric fields', async () => {
    const path = file('rows.jsonl', '{"text": "first", "f": 1, "g": 2}\n{"text": "second", "f": 3, "g": 4}\n');
    const pairs = await loadPairs({ file: path, a: { text: 'text' }, b: { numeric: ['f', 'g'] }, labelColumn: null }, images);
    assert.deepEqual(pairs.a, { kind: 'text', texts: ['first', 'second'] });
    assert.ok(pairs.b.kind === 'numeric');
    assert.deepEqual([...pairs.b.values], [1, 2, 3, 4]);
  });

  test('a field missing on one line: that line, side and column', async () => {
    const path = file('gap.jsonl', '{"text": "first", "f": 1}\n{"f": 3}\n');
    await rejects(loadPairs({ file: path, a: { text: 'text' }, b: { numeric: ['f'] }, labelColumn: null }, images), `${path}:2`, /side a \(column "text"\): is missing/);
  });
});

describe('pairs from two folders matched by stem', () => {
  test('images on side a, .txt captions on side b, in stem order; hidden files skipped', async () => {
    const a = join(dir, 'fa');
    const b = join(dir, 'fb');
    mkdirSync(a);
    mkdirSync(b);
    await png(join(a, '002.png'), 230);
    await png(join(a, '001.png'), 20);
    writeFileSync(join(a, '.DS_Store'), '');
    writeFileSync(join(b, '001.txt'), 'a dark square\n');
    writeFileSync(join(b, '002.txt'), 'a light square');
    const pairs = await loadPairs({ folders: { a, b } }, images);
    assert.deepEqual(pairs.ids, ['001', '002']);
    assert.deepEqual(pairs.b, { kind: 'text', texts: ['a dark square', 'a light square'] });
    assert.ok(pairs.a.kind === 'image' && pairs.a.pixels[0]! < 40 && pairs.a.pixels[64]! > 200);
  });

  test('a stem on one side only names the file and the side it lacks', async () => {
    const a = join(dir, 'ga');
    const b = join(dir, 'gb');
    mkdirSync(a);
    mkdirSync(b);
    await png(join(a, '001.png'), 20);
    await png(join(a, '002.png'), 20);
    writeFileSync(join(b, '001.txt'), 'one');
    await rejects(loadPairs({ folders: { a, b } }, images), join(a, '002.png'), /side b: .*gb has no file with the stem "002"/);
  });

  test('a folder mixing images and texts is refused', async () => {
    const a = join(dir, 'ha');
    mkdirSync(a);
    await png(join(a, '001.png'), 20);
    writeFileSync(join(a, '002.txt'), 'two');
    await rejects(loadPairs({ folders: { a, b: join(dir, 'gb') } }, images), join(a, '002.txt'), /side a: the folder mixes images and \.txt texts/);
  });
});

describe('builtin:digits-captions', () => {
  test('every digit image with a caption naming its digit, from seeded templates', async () => {
    const pairs = await loadPairs({ builtin: DIGITS_CAPTIONS_SOURCE, seed: 7 }, images);
    assert.equal(pairs.count, 10000);
    assert.ok(pairs.a.kind === 'image' && pairs.b.kind === 'text');
    assert.deepEqual(pairs.a.shape, [28, 28, 1]);
    const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
    const used = new Set<string>();
    pairs.b.texts.forEach((text, i) => {
      const digit = pairs.labels![i]!;
      assert.ok(text.includes(words[digit]!) || text.includes(String(digit)), `caption ${i} "${text}" does not name ${digit}`);
      used.add(text.replace(words[digit]!, '{w}').replace(String(digit), '{n}'));
    });
    assert.equal(used.size, CAPTION_TEMPLATES.length, 'every template is drawn');
    const again = await loadPairs({ builtin: DIGITS_CAPTIONS_SOURCE, seed: 7 }, images);
    const other = await loadPairs({ builtin: DIGITS_CAPTIONS_SOURCE, seed: 8 }, images);
    assert.ok(again.b.kind === 'text' && other.b.kind === 'text');
    assert.deepEqual(again.b.texts, pairs.b.texts, 'the same seed, the same captions');
    assert.notDeepEqual(other.b.texts, pairs.b.texts, 'another seed, other captions');
    assert.ok('classCaptions' in pairs);
    assert.deepEqual((pairs as { classCaptions: string[] }).classCaptions.slice(0, 2), ['a handwritten zero', 'a handwritten one']);
  });
});
