// A generated run directory of any size for the map at scale: `count` vectors of `dim` floats in
// `classes` labelled classes (each a few Gaussian sub-clusters, so both maps have structure to
// show), written block by block (a million × 128 never sits in memory), with run.json, the
// quickstart example's resolved spec (cosine distance) and samples.json. The bench's map section
// uses it; by hand:
//   node --import tsx bench/syntheticRun.ts [--count 1000000] [--dim 128] [--classes 10] [--out runs]
// then open the run's map in the editor (the Runs view lists it) or `contrastive-lab project <run>`.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Random } from '../server/contrastive/random';
import type { EmbeddingsMeta, RunRecord } from '../server/runs/format';
import { runPaths } from '../server/runs/paths';
import { writeRunRecord } from '../server/runs/record';
import { writeJsonAtomic } from '../server/shared/atomic';
import { checkSpecFile } from '../server/spec/check';

export interface SyntheticRunOptions {
  readonly count: number;
  readonly dim: number;
  readonly classes: number;
  readonly seed?: number;
}

const SUBCLUSTERS = 4;
const BLOCK_ROWS = 8192;
const ROOT = resolve(__dirname, '..');

/** Writes runs/<id>/ under `runsFolder`; returns the run directory. */
export function makeSyntheticRun(runsFolder: string, options: SyntheticRunOptions): string {
  const { count, dim, classes } = options;
  const seed = options.seed ?? 13;
  const id = `synthetic-${count}x${dim}`;
  const dir = join(runsFolder, id);
  const p = runPaths(dir);
  mkdirSync(p.embeddings, { recursive: true });
  const specPath = join(ROOT, 'examples/quickstart.contrastive.yaml');
  const checked = checkSpecFile(specPath);
  if (checked.spec === null) throw new Error(`${specPath}: the example spec has errors; fix it first (contrastive-lab validate ${specPath})`);
  writeJsonAtomic(p.specJson, checked.spec);
  const now = new Date().toISOString();
  const record: RunRecord = {
    formatVersion: 1, id, name: `synthetic ${count.toLocaleString('en')} × ${dim}`, experiment: 'synthetic', specPath, specHash: '', status: 'completed', pid: null, hostname: hostname(),
    engine: 'tfjs', backend: null, seed, epochs: 0, stepsPerEpoch: null, createdAt: now, startedAt: now, endedAt: now, step: 0, epoch: 0, bestKnnAccuracy: null, lastCheckpoint: null, error: null,
  };
  writeRunRecord(dir, record);
  const rng = new Random(seed);
  const centres = Array.from({ length: classes * SUBCLUSTERS }, () => Float32Array.from({ length: dim }, () => rng.normal(0, 1)));
  // Sub-clusters sit near their class's first centre: classes separate, sub-clusters show inside them.
  for (let c = 0; c < classes; c++) for (let s = 1; s < SUBCLUSTERS; s++) {
    const into = centres[c * SUBCLUSTERS + s]!, from = centres[c * SUBCLUSTERS]!;
    for (let d = 0; d < dim; d++) into[d] = from[d]! + 0.5 * into[d]!;
  }
  const labels: number[] = new Array<number>(count);
  const fd = openSync(p.vectors, 'w');
  try {
    const block = new Float32Array(BLOCK_ROWS * dim);
    for (let start = 0; start < count; start += BLOCK_ROWS) {
      const rows = Math.min(BLOCK_ROWS, count - start);
      for (let r = 0; r < rows; r++) {
        const cluster = rng.nextInt(classes * SUBCLUSTERS);
        labels[start + r] = Math.floor(cluster / SUBCLUSTERS);
        const centre = centres[cluster]!;
        for (let d = 0; d < dim; d++) block[r * dim + d] = centre[d]! + rng.normal(0, 0.35);
      }
      writeSync(fd, new Uint8Array(block.buffer, 0, rows * dim * 4));
    }
  } finally {
    closeSync(fd);
  }
  const meta: EmbeddingsMeta = {
    formatVersion: 1, count, dim, layer: 'representation', dtype: 'float32', byteOrder: 'little-endian', labelled: true,
    classNames: Array.from({ length: classes }, (_, c) => `class ${c}`), epoch: 0, step: 0, projections: [], sprite: null,
  };
  writeFileSync(p.samples, JSON.stringify({ ids: labels.map((_, i) => `synthetic-${i}`), labels, split: labels.map((_, i) => (i % 5 === 0 ? 'test' : 'train')) }));
  writeJsonAtomic(p.embeddingsMeta, meta);
  return dir;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const value = (name: string, fallback: number): number => {
    const at = args.indexOf(`--${name}`);
    const v = at >= 0 ? Number(args[at + 1]) : fallback;
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive whole number, got ${args[at + 1]}`);
    return v;
  };
  const out = args.includes('--out') ? resolve(args[args.indexOf('--out') + 1]!) : resolve('runs');
  const t0 = performance.now();
  const dir = makeSyntheticRun(out, { count: value('count', 1_000_000), dim: value('dim', 128), classes: value('classes', 10) });
  console.log(`wrote ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
