// The map at scale: exact neighbours by the run's distance agree with a brute-force sort for every
// distance (across block boundaries), and the streamed PCA and sampled UMAP give maps a user can read.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Random } from '../../../server/contrastive/random';
import { readProjection, writeEmbeddings } from '../../../server/runs/embeddings';
import { exactNeighbours } from '../../../server/runs/exactNeighbours';
import { projectRun } from '../../../server/runs/projection';
import { sampledUmap, stratifiedSample } from '../../../server/runs/projectionUmap';
import { distanceOfRun, RUN_DISTANCES, runDistance, type RunDistance } from '../../../server/runs/runDistance';
import { TopK } from '../../../server/runs/topK';
import { memoryVectors, VectorFile } from '../../../server/runs/vectorBlocks';
import { runPaths } from '../../../server/runs/paths';

/** count points around `classes` centres far apart in dim dimensions; label = centre. */
function clusteredRun(count: number, dim: number, classes: number, seed = 1, spread = 0.15): { dir: string; vectors: Float32Array; labels: number[] } {
  const rng = new Random(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: dim }, () => rng.normal(0, 1)));
  const vectors = new Float32Array(count * dim);
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const c = i % classes;
    labels.push(c);
    for (let d = 0; d < dim; d++) vectors[i * dim + d] = centres[c]![d]! + rng.normal(0, spread);
  }
  const dir = join(mkdtempSync(join(tmpdir(), 'cl-map-')), 'run');
  writeEmbeddings(dir, {
    meta: { formatVersion: 1, count, dim, layer: 'representation', dtype: 'float32', byteOrder: 'little-endian', labelled: true, classNames: null, epoch: 1, step: 1, projections: [], sprite: null },
    vectors,
    samples: { ids: labels.map((_, i) => `s${i}`), labels, split: labels.map(() => 'train' as const) },
  }, {});
  return { dir, vectors, labels };
}

function bruteForce(vectors: Float32Array, dim: number, query: number, k: number, distance: RunDistance): { index: number; distance: number }[] {
  const row = (i: number): number[] => {
    const v = Array.from(vectors.subarray(i * dim, (i + 1) * dim));
    const n = Math.hypot(...v);
    return distance.normalize && n > 0 ? v.map((x) => x / n) : v;
  };
  const q = row(query);
  const all: { index: number; distance: number }[] = [];
  for (let i = 0; i < vectors.length / dim; i++) {
    if (i === query) continue;
    const x = row(i);
    const dot = q.reduce((s, v, j) => s + v * x[j]!, 0);
    const sq = q.reduce((s, v, j) => s + (v - x[j]!) ** 2, 0);
    const l1 = q.reduce((s, v, j) => s + Math.abs(v - x[j]!), 0);
    const value = { cosine: 1 - dot, dot: -dot, euclidean: Math.sqrt(sq), squaredEuclidean: sq, manhattan: l1 }[distance.name];
    all.push({ index: i, distance: value });
  }
  return all.sort((a, b) => a.distance - b.distance || a.index - b.index).slice(0, k);
}

test('exact neighbours match a brute-force sort for every distance, across block boundaries', () => {
  const dim = 7;
  const { dir, vectors } = clusteredRun(1_003, dim, 5, 3, 0.8);
  for (const name of RUN_DISTANCES) {
    for (const normalize of [false, true]) {
      const distance = runDistance(name, normalize);
      for (const query of [0, 517, 1_002]) {
        // 100-row blocks: the top-k is merged across eleven blocks, the last one short.
        const found = exactNeighbours(dir, { count: 1_003, dim }, query, 12, distance, 100);
        const expected = bruteForce(vectors, dim, query, 12, distance);
        assert.deepEqual(found.neighbours.map((n) => n.index), expected.map((n) => n.index), `${name} normalize=${normalize} query ${query}`);
        found.neighbours.forEach((n, i) => assert.ok(Math.abs(n.distance - expected[i]!.distance) < 1e-4 * Math.max(1, Math.abs(expected[i]!.distance)), `${name} distance ${n.distance} vs ${expected[i]!.distance}`));
        assert.ok(!found.neighbours.some((n) => n.index === query), 'the query is not its own neighbour');
      }
    }
  }
});

test('exact neighbours use the distance recorded in the run, and refuse a sample outside the run', () => {
  const { dir } = clusteredRun(50, 4, 2);
  assert.equal(distanceOfRun(dir).name, 'cosine', 'a run without spec.json is searched by cosine');
  writeFileSync(runPaths(dir).specJson, JSON.stringify({ distance: { type: 'manhattan', normalize: false }, architecture: { normalizeOutput: false } }));
  const d = distanceOfRun(dir);
  assert.equal(d.name, 'manhattan');
  assert.equal(d.normalize, false);
  writeFileSync(runPaths(dir).specJson, JSON.stringify({ distance: { type: 'kl', temperature: 1 }, architecture: { normalizeOutput: false } }));
  assert.throws(() => distanceOfRun(dir), /'kl' compares softmax distributions; exact neighbours are measured with cosine, dot, euclidean, squaredEuclidean, manhattan/);
  assert.throws(() => exactNeighbours(dir, { count: 50, dim: 4 }, 50, 3, runDistance('cosine', true)), /sample 50 is not in this run; use an index from 0 to 49/);
});

test('a vectors file of the wrong size is refused with its sizes', () => {
  const { dir } = clusteredRun(10, 4, 2);
  assert.throws(() => new VectorFile(runPaths(dir).vectors, 11, 4), /holds 160 bytes, but meta.json says 11 × 4 float32 values \(176 bytes\)/);
});

test('the top-k keeps the k smallest, ties to the smaller index', () => {
  const top = new TopK(3);
  for (const [i, d] of [[5, 2], [1, 3], [9, 1], [2, 2], [7, 0.5], [0, 2]] as const) top.offer(i, d);
  assert.deepEqual(top.entries(), [{ index: 7, distance: 0.5 }, { index: 9, distance: 1 }, { index: 0, distance: 2 }]);
});

test('the UMAP sample keeps every label, in proportion, at least one each', () => {
  const labels = [...Array.from({ length: 9_000 }, () => 0), ...Array.from({ length: 990 }, () => 1), ...Array.from({ length: 10 }, () => 2)];
  const sample = stratifiedSample(labels, 1_000, 4);
  assert.equal(sample.length, 1_000);
  const counts = [0, 0, 0];
  for (const i of sample) counts[labels[i]!]!++;
  assert.deepEqual(counts, [900, 99, 1]);
  assert.ok(sample.every((v, i) => i === 0 || v > sample[i - 1]!), 'ascending and distinct');
  assert.deepEqual(stratifiedSample([0, 1, null], 10, 1), Int32Array.from([0, 1, 2]));
});

/** Fraction of points whose nearest other point on the map has the same label. */
function mapPurity(xy: Float32Array, labels: number[], checked = 400): number {
  let same = 0;
  const n = labels.length;
  for (let q = 0; q < checked; q++) {
    const i = Math.floor((q * n) / checked);
    let best = -1, bestD = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = (xy[2 * i]! - xy[2 * j]!) ** 2 + (xy[2 * i + 1]! - xy[2 * j + 1]!) ** 2;
      if (d < bestD) { bestD = d; best = j; }
    }
    if (labels[best] === labels[i]) same++;
  }
  return same / checked;
}

test('streamed PCA and sampled UMAP map every point, keep the classes apart, and record both in meta.json', async () => {
  const { dir, labels } = clusteredRun(6_000, 16, 6, 7, 0.35);
  const phases = new Set<string>();
  const result = await projectRun(dir, { methods: ['pca', 'umap'], distance: runDistance('cosine', true), sampleSize: 1_500, epochs: 60, progress: (phase) => phases.add(phase) });
  assert.equal(result.count, 6_000);
  const pca = readProjection(dir, 'pca')!;
  const umap = readProjection(dir, 'umap')!;
  assert.equal(pca.length, 12_000);
  assert.equal(umap.length, 12_000);
  assert.ok(umap.every(Number.isFinite) && pca.every(Number.isFinite), 'every point has finite coordinates');
  const purity = mapPurity(umap, labels);
  assert.ok(purity > 0.9, `UMAP: a placed point's nearest neighbour on the map shares its label (${purity})`);
  assert.deepEqual(JSON.parse(readFileSync(runPaths(dir).embeddingsMeta, 'utf8')).projections, ['pca', 'umap']);
  for (const phase of ['PCA: covariance', 'PCA: projecting', 'UMAP: optimising the sample layout', 'UMAP: placing the other points']) assert.ok(phases.has(phase), `progress reports '${phase}'`);
});

test('streamed PCA finds the axis of largest variance', async () => {
  // Points along (1, 1, 0, 0) with a little noise elsewhere: the first PCA coordinate is their position along it.
  const rng = new Random(2);
  const count = 20_000, dim = 4;
  const vectors = new Float32Array(count * dim);
  const t: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = rng.normal(0, 5);
    t.push(s);
    vectors.set([s / Math.SQRT2 + 3, s / Math.SQRT2 - 1, rng.normal(0, 0.1), rng.normal(0, 0.1)], i * dim);
  }
  const dir = join(mkdtempSync(join(tmpdir(), 'cl-pca-')), 'run');
  writeEmbeddings(dir, {
    meta: { formatVersion: 1, count, dim, layer: 'representation', dtype: 'float32', byteOrder: 'little-endian', labelled: false, classNames: null, epoch: 1, step: 1, projections: [], sprite: null },
    vectors,
    samples: { ids: t.map((_, i) => `s${i}`), labels: t.map(() => null), split: t.map(() => 'train' as const) },
  }, {});
  await projectRun(dir, { methods: ['pca'], distance: runDistance('euclidean', false) });
  const pca = readProjection(dir, 'pca')!;
  let worst = 0;
  const meanT = t.reduce((a, b) => a + b, 0) / count;
  for (let i = 0; i < count; i++) worst = Math.max(worst, Math.abs(pca[2 * i]! - (t[i]! - meanT)));
  assert.ok(worst < 0.05, `first coordinate = position along the axis (worst error ${worst})`);
});

test('sampled UMAP over vectors in memory (the trainer\'s path for large runs) pauses between steps and stops when a pause throws', async () => {
  const { vectors, labels } = clusteredRun(3_000, 8, 3, 5);
  let pauses = 0;
  const stopped = sampledUmap(memoryVectors(vectors, 3_000, 8), labels, {
    sampleSize: 400, seed: 1, epochs: 40, distance: runDistance('euclidean', false),
    pause: async () => {
      pauses++;
      if (pauses === 3) throw new Error('stop requested');
    },
  });
  await assert.rejects(stopped, /stop requested/);
  pauses = 0;
  const xy = await sampledUmap(memoryVectors(vectors, 3_000, 8), labels, { sampleSize: 400, seed: 1, epochs: 40, distance: runDistance('euclidean', false), pause: async () => void pauses++ });
  assert.equal(xy.length, 6_000);
  assert.ok(pauses >= 5, `paused ${pauses} times`);
  assert.ok(mapPurity(xy, labels, 200) > 0.9, 'the classes stay apart');
});
