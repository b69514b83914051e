// A small image-folder run and a vector run for the search tests, and an in-process CLI call.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { main } from '../../../server/cli/dispatch';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, writeSpec } from '../trainer/helpers';

/** A w × h RGB image: class "warm" is reddish, "cool" bluish, each image its own noise (seeded). */
function pixels(cls: number, n: number, size: number): Buffer {
  const out = Buffer.alloc(size * size * 3);
  let s = (cls * 7919 + n * 104729 + 1) >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const noise = (s >>> 24) - 128;
    const base = i % 3 === (cls === 0 ? 0 : 2) ? 190 : 60;
    out[i] = Math.max(0, Math.min(255, base + (noise >> 1)));
  }
  return out;
}

export async function writePng(file: string, cls: number, n: number, size: number): Promise<void> {
  await sharp(pixels(cls, n, size), { raw: { width: size, height: size, channels: 3 } }).png().toFile(file);
}

/** Writes <dir>/images/{warm,cool}/<n>.png (12 each, 12 × 12 pixels). */
export async function writeImageFolder(dir: string): Promise<string> {
  const root = join(dir, 'images');
  for (const [cls, name] of ['warm', 'cool'].entries()) {
    mkdirSync(join(root, name), { recursive: true });
    for (let n = 0; n < 12; n++) await writePng(join(root, name, `${String(n).padStart(2, '0')}.png`), cls, n, 12);
  }
  return root;
}

export const IMAGE_SPEC = `experiment: search-images
data:
  source: images
  format: images
  imageSize: 16
  channels: 3
  normalize: standardize
  split: { testFraction: 0.25, seed: 1 }
pairs:
  positives: labels
  negatives: { type: batch }
distance: { type: cosine }
loss: { type: supCon, temperature: 0.1 }
architecture:
  backbone: { type: mlp, layers: [16] }
  representationSize: 8
  projection: null
strategy:
  optimizer: { type: sgd, learningRate: 0.1 }
  epochs: 1
  batchSize: 6
`;

/** Trains a spec (cpu backend, no UMAP) in `dir`; returns the run directory. */
export async function trainRun(dir: string, specText: string): Promise<string> {
  const { path, spec, text } = writeSpec(dir, specText);
  const outcome = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'runs') }, { mode: 'silent', backend: 'cpu', stop: manualStop(), umap: false });
  if (outcome.status !== 'completed') throw new Error(`training failed: ${JSON.stringify(outcome.record.error)}`);
  return outcome.runDir;
}

export async function imageRun(): Promise<{ dir: string; runDir: string; images: string }> {
  const dir = tempDir('search-images');
  const images = await writeImageFolder(dir);
  return { dir, runDir: await trainRun(dir, IMAGE_SPEC), images };
}

/** A labelled CSV whose columns have very different scales (so standardisation matters). */
export function writeVectorCsv(file: string): void {
  const lines = ['a,b,c,label'];
  for (let i = 0; i < 40; i++) {
    const cls = i % 2;
    lines.push(`${(cls * 3 + Math.sin(i)).toFixed(3)},${(100 + 50 * Math.cos(i * 1.7) + cls * 80).toFixed(3)},${(0.01 * i).toFixed(4)},${cls === 0 ? 'x' : 'y'}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

/** Runs `contrastive-lab <args>` in this process; the CLI's exit code and what it wrote. */
export async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  // The CLI writes strings; the test runner reports this file's results on the same stdout as binary
  // (serialised) chunks, possibly while main() awaits: those pass through, or a result would vanish.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => (typeof chunk === 'string' ? ((stdout += chunk), true) : (out as (...a: unknown[]) => boolean)(chunk, ...rest))) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => (typeof chunk === 'string' ? ((stderr += chunk), true) : (err as (...a: unknown[]) => boolean)(chunk, ...rest))) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
