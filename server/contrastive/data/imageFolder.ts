// Image folders (which files are samples: imageFiles.ts), decoded once with sharp, resized to
// size × size, grayscale or RGB, then cached (see cache.ts).
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import sharp from 'sharp';
import { DataError } from './errors';
import { IMAGE_EXTENSIONS, listImageEntries } from './imageFiles';
import { indexLabels, type RawDataset } from './raw';

export interface ImageFile {
  readonly path: string;
  /** Class folder name, or null in a flat folder. */
  readonly className: string | null;
  readonly mtimeMs: number;
  readonly size: number;
}

/** Lists the images of a folder with their size and mtime (for the cache key); no images is an error. */
export function listImageFolder(folder: string): { files: ImageFile[]; labelled: boolean; skipped: string[] } {
  const { entries, labelled, skipped } = listImageEntries(folder);
  if (entries.length === 0) {
    throw new DataError(folder, `no images found (${IMAGE_EXTENSIONS.join(', ')}); put them directly in the folder (unlabelled) or in one sub-folder per class.`);
  }
  const files = entries.map((e) => {
    const s = statSync(e.path);
    // Said before any decoding: an empty file is empty (not "an unsupported format"), and a FIFO would block the decoder forever.
    if (!s.isFile()) throw new DataError(e.path, `is ${s.isFIFO() ? 'a named pipe (FIFO)' : s.isDirectory() ? 'a folder' : 'not a regular file'}, not an image file; replace or remove it.`);
    if (s.size === 0) throw new DataError(e.path, 'is empty (0 bytes), not an image; replace or remove the file.');
    return { ...e, mtimeMs: s.mtimeMs, size: s.size };
  });
  return { files, labelled, skipped };
}

export async function decodeImage(file: string, size: number, channels: 1 | 3): Promise<Buffer> {
  try {
    let image = sharp(file, { failOn: 'error' }).resize(size, size, { fit: 'fill' }).removeAlpha();
    image = channels === 1 ? image.grayscale() : image.toColourspace('srgb');
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels || data.length !== size * size * channels) {
      throw new Error(`decoded to ${info.channels} channels instead of ${channels}`);
    }
    return data;
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0];
    throw new DataError(file, `cannot read this image (${reason}); replace or remove the file.`);
  }
}

export async function decodeImageFolder(folder: string, files: readonly ImageFile[], labelled: boolean, size: number, channels: 1 | 3): Promise<RawDataset & { pixels: Uint8Array }> {
  const per = size * size * channels;
  const pixels = new Uint8Array(files.length * per);
  // Decode a few at a time: sharp works on its own threads; unbounded parallelism only costs memory.
  const parallel = 4;
  for (let start = 0; start < files.length; start += parallel) {
    const chunk = files.slice(start, start + parallel);
    const decoded = await Promise.all(chunk.map((f) => decodeImage(f.path, size, channels)));
    decoded.forEach((d, k) => pixels.set(d, (start + k) * per));
  }
  const labels = labelled ? indexLabels(files.map((f) => f.className!)) : null;
  return {
    kind: 'images',
    source: folder,
    sampleShape: [size, size, channels],
    count: files.length,
    values: Float32Array.from(pixels),
    pixels,
    labels: labels?.labels ?? null,
    classNames: labels?.classNames ?? null,
    ids: files.map((f) => relative(folder, f.path).split('\\').join('/')),
  };
}
