// Decodes the image sides of pairs read from a file or folders (rows.ts, folders.ts) with sharp, to
// size × size with 1 or 3 channels; text and numeric sides pass through.
import { DataError } from '../errors';
import { decodeImage } from '../imageFolder';
import type { LoadedSide, PairedData, PairedRows, PairSide } from './types';

/** decodeImage, its error told where the image was named and as which side. */
async function decodeNamed(path: string, origin: { readonly where: string; readonly what: string }, size: number, channels: 1 | 3): Promise<Buffer> {
  try {
    return await decodeImage(path, size, channels);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    throw new DataError(origin.where, `${origin.what}: ${e.message}`);
  }
}

async function decodeSide(side: PairSide, size: number, channels: 1 | 3): Promise<LoadedSide> {
  if (side.kind !== 'image') return side;
  const per = size * size * channels;
  const pixels = new Uint8Array(side.paths.length * per);
  // A few at a time: sharp works on its own threads; more in flight only costs memory.
  const parallel = 4;
  for (let start = 0; start < side.paths.length; start += parallel) {
    const decoded = await Promise.all(side.paths.slice(start, start + parallel).map((path, k) => decodeNamed(path, side.origins[start + k]!, size, channels)));
    decoded.forEach((d, k) => pixels.set(d, (start + k) * per));
  }
  return { kind: 'image', shape: [size, size, channels], pixels };
}

export async function decodePairs(rows: PairedRows, size: number, channels: 1 | 3): Promise<PairedData> {
  return { ...rows, a: await decodeSide(rows.a, size, channels), b: await decodeSide(rows.b, size, channels) };
}
