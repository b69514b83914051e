// Decoded image folders are cached in one binary file, keyed by the folder, every file's path,
// mtime and size, and the decode options: touching any image or changing imageSize/channels
// decodes again. Layout: 4-byte LE header length, the JSON header, then the raw pixels.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../shared/atomic';
import type { ImageFile } from './imageFolder';
import type { RawDataset } from './raw';

interface CacheHeader {
  readonly key: string;
  readonly sampleShape: number[];
  readonly ids: string[];
  readonly labels: number[] | null;
  readonly classNames: string[] | null;
}

export function imageCacheKey(folder: string, files: readonly ImageFile[], size: number, channels: number): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ folder, size, channels, version: 1 }));
  for (const f of files) h.update(`${f.path}\0${f.mtimeMs}\0${f.size}\0${f.className ?? ''}\n`);
  return h.digest('hex').slice(0, 32);
}

export function readImageCache(cacheDir: string, key: string, source: string): (RawDataset & { pixels: Uint8Array }) | null {
  const file = join(cacheDir, `images-${key}.bin`);
  if (!existsSync(file)) return null;
  try {
    const bytes = readFileSync(file);
    const headerLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as CacheHeader;
    if (header.key !== key) return null;
    const pixels = new Uint8Array(bytes.subarray(4 + headerLength));
    const per = header.sampleShape.reduce((a, b) => a * b, 1);
    if (pixels.length !== per * header.ids.length) return null;
    return {
      kind: 'images',
      source,
      sampleShape: header.sampleShape,
      count: header.ids.length,
      values: Float32Array.from(pixels),
      pixels,
      labels: header.labels ? Int32Array.from(header.labels) : null,
      classNames: header.classNames,
      ids: header.ids,
    };
  } catch {
    // A damaged cache is just a miss: the folder is decoded again and the cache rewritten.
    return null;
  }
}

export function writeImageCache(cacheDir: string, key: string, data: RawDataset & { pixels: Uint8Array }): void {
  mkdirSync(cacheDir, { recursive: true });
  const header: CacheHeader = {
    key,
    sampleShape: [...data.sampleShape],
    ids: [...data.ids],
    labels: data.labels ? Array.from(data.labels) : null,
    classNames: data.classNames ? [...data.classNames] : null,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  writeFileAtomic(join(cacheDir, `images-${key}.bin`), Buffer.concat([length, json, Buffer.from(data.pixels.buffer, data.pixels.byteOffset, data.pixels.byteLength)]));
}
