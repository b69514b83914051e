// The packed digits (scripts/pack-digits.mjs writes them at build time, server/contrastive/data/
// digitsPacked.ts reads them): the reader gets back exactly what the ten JSON files say, and refuses
// a file packed from another `mnist` version or a damaged one (the loader then parses the JSON).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parsePackedDigits } from '../../../server/contrastive/data/digitsPacked';

const mnistDir = dirname(require.resolve('mnist/package.json'));
const version = (JSON.parse(readFileSync(join(mnistDir, 'package.json'), 'utf8')) as { version: string }).version;

test('what the build packs, the reader reads back as the JSON files give it', async () => {
  const { packDigits } = await import('../../../scripts/pack-digits.mjs');
  const bytes = packDigits(mnistDir, version);
  const packed = parsePackedDigits(bytes, version);
  assert.ok(packed !== null);
  assert.equal(packed.count, 10000);
  assert.equal(packed.pixels, 784);
  let row = 0;
  for (let digit = 0; digit < 10; digit++) {
    const data = (JSON.parse(readFileSync(join(mnistDir, 'src', 'digits', `${digit}.json`), 'utf8')) as { data: number[] }).data;
    for (let i = 0; i < data.length / 784; i++, row++) {
      assert.equal(packed.labels[row], digit);
      for (let p = 0; p < 784; p++) {
        if (packed.values[row * 784 + p] !== Math.round(data[i * 784 + p]! * 255)) assert.fail(`digit ${digit} #${i} pixel ${p} differs`);
      }
    }
  }
  assert.equal(parsePackedDigits(bytes, '0.0.0-other'), null, 'another mnist version');
  assert.equal(parsePackedDigits(bytes.subarray(0, bytes.length - 1), version), null, 'a truncated file');
});
