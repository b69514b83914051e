// Reads dist/digits.bin, the built-in digits packed by scripts/pack-digits.mjs at build time (the
// format is described there): 8 MB of bytes instead of 21 MB of JSON numbers, read in milliseconds
// instead of seconds. Returns null when no packed file is found or it does not match the installed
// `mnist` version, and the caller parses the JSON files instead.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const MAGIC = 'CLDIGIT1';

export interface PackedDigits {
  readonly count: number;
  readonly pixels: number;
  /** The digit of each image, classes in order (all 0s, then all 1s, ...). */
  readonly labels: Uint8Array;
  /** Grey values 0..255, image after image. */
  readonly values: Uint8Array;
}

/** Where the packed file is: next to the bundle (dist/cli.js), or in dist/ when run from the sources. */
function candidates(): string[] {
  return [join(__dirname, 'digits.bin'), join(__dirname, '..', '..', '..', 'dist', 'digits.bin')];
}

export function parsePackedDigits(bytes: Buffer, expectedVersion: string): PackedDigits | null {
  if (bytes.length < 18 || bytes.toString('latin1', 0, 8) !== MAGIC) return null;
  const count = bytes.readUInt32LE(8);
  const pixels = bytes.readUInt32LE(12);
  const versionLength = bytes.readUInt16LE(16);
  const version = bytes.toString('utf8', 18, 18 + versionLength);
  const header = 18 + versionLength;
  if (version !== expectedVersion || bytes.length !== header + count + count * pixels) return null;
  return {
    count,
    pixels,
    labels: new Uint8Array(bytes.buffer, bytes.byteOffset + header, count),
    values: new Uint8Array(bytes.buffer, bytes.byteOffset + header + count, count * pixels),
  };
}

/** The packed digits for `mnistVersion`, or null when there is no matching packed file. */
export function readPackedDigits(mnistVersion: string): PackedDigits | null {
  for (const file of candidates()) {
    if (!existsSync(file)) continue;
    const packed = parsePackedDigits(readFileSync(file), mnistVersion);
    if (packed !== null) return packed;
  }
  return null;
}
