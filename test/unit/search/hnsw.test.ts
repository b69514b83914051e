import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../../../server/contrastive/backend';
import { embeddingMatrix } from '../../../server/contrastive/eval/embeddingMatrix';
import { searchNearest } from '../../../server/contrastive/eval/search';
import { Random } from '../../../server/contrastive/random';
import { writeEmbeddings } from '../../../server/runs/embeddings';
import { RunIndex } from '../../../server/search/runIndex';
import { searchPaths, writeAddedItems } from '../../../server/search/searchFiles';
import { tempDir } from '../trainer/helpers';

/** rows × dim points around 20 centres (embeddings of a trained run cluster by class). */
function clustered(rows: number, dim: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const centres = Array.from({ length: 20 }, () => Array.from({ length: dim }, () => rng.normal()));
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const c = centres[rng.nextInt(centres.length)]!;
    for (let j = 0; j < dim; j++) out[r * dim + j] = c[j]! + 0.5 * rng.normal();
  }
  return out;
}

function fakeRun(rows: number, dim: number): { runDir: string; vectors: Float32Array } {
  const runDir = join(tempDir('hnsw'), 'run');
  const vectors = clustered(rows, dim, 3);
  writeEmbeddings(runDir, {
    meta: { formatVersion: 1, count: rows, dim, layer: 'representation', dtype: 'float32', byteOrder: 'little-endian', labelled: false, classNames: null, epoch: 1, step: 10, projections: [], sprite: null },
    vectors,
    samples: { ids: Array.from({ length: rows }, (_, i) => `s${i}`), labels: new Array<null>(rows).fill(null), split: new Array<'train'>(rows).fill('train') },
  }, {});
  return { runDir, vectors };
}

function recallAt10(found: Int32Array, truth: Int32Array, queries: number): number {
  let hits = 0;
  for (let q = 0; q < queries; q++) {
    const expected = new Set(truth.subarray(q * 10, q * 10 + 10));
    for (const row of found.subarray(q * 10, q * 10 + 10)) if (expected.has(row)) hits++;
  }
  return hits / (queries * 10);
}

test('HNSW index: recall@10 >= 0.95 against exact search, exact distances, stored and reused, extended by added items', async () => {
  await initBackend('cpu');
  const dim = 16;
  const { runDir } = fakeRun(3000, dim);
  const queries = embeddingMatrix(clustered(200, dim, 4), dim);
  const notes: string[] = [];
  const index = await RunIndex.open(runDir, { metric: 'cosine', mode: 'auto', threshold: 1000, threads: 1, note: (l) => notes.push(l) });
  assert.equal(index.kind, 'hnsw');
  assert.ok(notes.some((n) => /building the HNSW index over 3000 × 16 embeddings \(cosine\)/.test(n)), notes.join('\n'));
  assert.ok(existsSync(searchPaths(runDir).hnswIndex('cosine')));
  const header = JSON.parse(readFileSync(searchPaths(runDir).hnswHeader('cosine'), 'utf8')) as { rows: number; metric: string };
  assert.equal(header.rows, 3000);
  const approximate = index.search(queries, 10);
  const exact = searchNearest(index.matrix, queries, { k: 10, metric: 'cosine' });
  const recall = recallAt10(approximate.indices, exact.indices, queries.rows);
  assert.ok(recall >= 0.95, `recall@10 ${recall}`);
  // Where both found the same row first, the distance is the exact one.
  for (let q = 0; q < queries.rows; q++) {
    if (approximate.indices[q * 10] === exact.indices[q * 10]) assert.ok(Math.abs(approximate.distances[q * 10]! - exact.distances[q * 10]!) < 1e-6);
    for (let r = 1; r < 10; r++) assert.ok(approximate.distances[q * 10 + r]! >= approximate.distances[q * 10 + r - 1]!, 'nearest first');
  }
  index.dispose();

  // Opened again: the stored graph is read, not rebuilt.
  const reopened: string[] = [];
  (await RunIndex.open(runDir, { metric: 'cosine', threshold: 1000, threads: 1, note: (l) => reopened.push(l) })).dispose();
  assert.deepEqual(reopened, []);

  // Items added since: the graph is extended with them, and they are found.
  const extra = clustered(5, dim, 9);
  writeAddedItems(runDir, { header: { formatVersion: 1, dim, layer: 'representation', step: 10, checkpoint: 'step-00000010', ids: ['a', 'b', 'c', 'd', 'e'] }, vectors: extra });
  const extended: string[] = [];
  const grown = await RunIndex.open(runDir, { metric: 'cosine', threshold: 1000, threads: 1, note: (l) => extended.push(l) });
  assert.ok(extended.some((n) => /adding 5 rows to the HNSW index of 3005/.test(n)), extended.join('\n'));
  const self = grown.search(embeddingMatrix(extra.slice(2 * dim, 3 * dim), dim), 1);
  assert.equal(self.indices[0], 3002);
  assert.deepEqual(grown.describe(3002), { index: 3002, id: 'c', label: null, className: null, split: 'added' });
  grown.dispose();

  // Below the threshold the search stays exact.
  const small = await RunIndex.open(runDir, { metric: 'cosine', threads: 1 });
  assert.equal(small.kind, 'exact');
  small.dispose();
});

test('HNSW index: euclidean graphs are kept apart from cosine ones and report euclidean distances', async () => {
  await initBackend('cpu');
  const dim = 8;
  const { runDir } = fakeRun(1500, dim);
  const index = await RunIndex.open(runDir, { metric: 'euclidean', mode: 'hnsw', threads: 1 });
  assert.ok(existsSync(searchPaths(runDir).hnswIndex('euclidean')));
  assert.equal(existsSync(searchPaths(runDir).hnswIndex('cosine')), false);
  const queries = embeddingMatrix(clustered(100, dim, 5), dim);
  const approximate = index.search(queries, 10);
  const exact = searchNearest(index.matrix, queries, { k: 10, metric: 'euclidean' });
  assert.ok(recallAt10(approximate.indices, exact.indices, queries.rows) >= 0.95);
  assert.ok(Math.abs(approximate.distances[0]! - exact.distances[0]!) < 1e-5 || approximate.indices[0] !== exact.indices[0]);
  index.dispose();
});

test('without usearch the index says so once and searches exactly; --hnsw is then an error saying what to install', () => {
  const { runDir } = fakeRun(300, 4);
  const root = join(__dirname, '..', '..', '..');
  const r = spawnSync(process.execPath, ['--require', join(__dirname, 'fixtures', 'without-usearch.cjs'), '--import', 'tsx', join(__dirname, 'fixtures', 'indexWithoutUsearch.ts'), runDir], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { kind: string; notes: string[]; found: number[]; forced: string };
  assert.equal(out.kind, 'exact');
  assert.deepEqual(out.notes, ['the optional package usearch is not installed (npm install usearch), so the 300 items are searched exactly (slower above 100 items)']);
  assert.equal(out.found.length, 3);
  assert.match(out.forced, /the HNSW index needs usearch: the optional package usearch is not installed \(npm install usearch\); or leave out --hnsw to search exactly/);
});
