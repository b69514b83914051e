// Exact nearest-neighbour search: hand-checked answers on a tiny set, self-exclusion, padding when
// the database is small, distances from the backend's scores, agreement with brute force on
// 20,000 × 64 across block boundaries, on cpu and wasm, without leaking tensors.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { Random } from '../../../server/contrastive/random';
import { embeddingMatrix } from '../../../server/contrastive/eval/embeddingMatrix';
import { searchDatabaseRows, searchNearest } from '../../../server/contrastive/eval/search';

// Points on a line (dim 2): x = 0, 1, 3, 7 and one point off-axis.
const points = embeddingMatrix(Float32Array.from([0, 0, 1, 0, 3, 0, 7, 0, 1, 2]), 2);

const bruteForceCache = new Map<string, { rows: number[][]; dists: number[][] }>();

/** Float64 distances to every row, sorted (ties by row); cached, as both backends check the same data. */
function bruteForce(db: Float32Array, q: Float32Array, dim: number, k: number, metric: 'cosine' | 'euclidean'): { rows: number[][]; dists: number[][] } {
  const cached = bruteForceCache.get(metric);
  if (cached !== undefined) return cached;
  const nq = q.length / dim;
  const n = db.length / dim;
  const rows: number[][] = [];
  const dists: number[][] = [];
  for (let i = 0; i < nq; i++) {
    const all: { r: number; d: number }[] = [];
    for (let r = 0; r < n; r++) {
      let dot = 0, nq2 = 0, nd2 = 0, sq = 0;
      for (let j = 0; j < dim; j++) {
        const a = q[i * dim + j] as number, b = db[r * dim + j] as number;
        dot += a * b; nq2 += a * a; nd2 += b * b; sq += (a - b) ** 2;
      }
      all.push({ r, d: metric === 'cosine' ? 1 - dot / Math.sqrt(nq2 * nd2) : Math.sqrt(sq) });
    }
    all.sort((a, b) => a.d - b.d || a.r - b.r);
    rows.push(all.slice(0, k + 1).map((e) => e.r));
    dists.push(all.slice(0, k + 1).map((e) => e.d));
  }
  bruteForceCache.set(metric, { rows, dists });
  return { rows, dists };
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`nearest-neighbour search on ${backend}`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('euclidean: the hand-computed neighbours and distances of a few points on a line', () => {
      const query = embeddingMatrix(Float32Array.from([2, 0]), 2);
      const result = searchNearest(points, query, { k: 3, metric: 'euclidean' });
      // Distances from (2,0): to 1 → 1, to 3 → 1, to 0 → 2, to (1,2) → √5, to 7 → 5. Ties keep the lower row.
      assert.deepEqual(Array.from(result.indices), [1, 2, 0]);
      assert.deepEqual(Array.from(result.distances), [1, 1, 2]);
    });

    test('cosine: neighbours by angle, not length, with distance 1 − cos', () => {
      const query = embeddingMatrix(Float32Array.from([5, 0.1]), 2);
      const result = searchNearest(points, query, { k: 4, metric: 'cosine' });
      // Rows 1, 2, 3 all point along +x (cos ≈ 0.9998); the zero row has cos 0; (1,2) has cos ≈ 0.4649.
      assert.deepEqual(Array.from(result.indices.slice(0, 3)).sort(), [1, 2, 3]);
      assert.equal(result.indices[3], 4);
      const cos = (5 * 1 + 0.1 * 2) / (Math.hypot(5, 0.1) * Math.hypot(1, 2));
      assert.ok(Math.abs((result.distances[3] as number) - (1 - cos)) < 1e-6);
    });

    test('a stored row searched among all rows leaves itself out', () => {
      const result = searchDatabaseRows(points, [1, 3], { k: 2, metric: 'euclidean' });
      assert.deepEqual(Array.from(result.indices), [0, 2, 2, 1]);
      assert.deepEqual(Array.from(result.distances), [1, 2, 4, 6]);
    });

    test('asking for more neighbours than exist pads with -1 and Infinity', () => {
      const result = searchDatabaseRows(points, [0], { k: 6, metric: 'euclidean', databaseBlockRows: 2 });
      assert.deepEqual(Array.from(result.indices), [1, 4, 2, 3, -1, -1]);
      assert.equal(result.distances[5], Infinity);
    });

    test('exactDistances: false gives the same neighbours, with the backend-score distances within float32 of the exact ones', () => {
      const rng = new Random(7);
      const dim = 16;
      const db = embeddingMatrix(Float32Array.from({ length: 500 * dim }, () => rng.normal()), dim);
      const rows = [0, 17, 250, 499];
      for (const metric of ['euclidean', 'cosine'] as const) {
        const exact = searchDatabaseRows(db, rows, { k: 8, metric, databaseBlockRows: 128 });
        const fromScores = searchDatabaseRows(db, rows, { k: 8, metric, databaseBlockRows: 128, exactDistances: false });
        assert.deepEqual(Array.from(fromScores.indices), Array.from(exact.indices), metric);
        exact.distances.forEach((d, i) => assert.ok(Math.abs((fromScores.distances[i] as number) - d) < 1e-4 * Math.max(1, d), `${metric} entry ${i}`));
      }
    });

    test('mismatched dimensions and bad rows are refused with messages that say what to fix', () => {
      assert.throws(() => searchNearest(points, embeddingMatrix(new Float32Array(3), 3), { k: 1, metric: 'cosine' }), /dimension 3 but the database has 2/);
      assert.throws(() => searchDatabaseRows(points, [5], { k: 1, metric: 'cosine' }), /sample 5 is not one of the 5 stored embeddings/);
      assert.throws(() => embeddingMatrix(new Float32Array(7), 2), /7 values is not a whole number of rows of dimension 2/);
    });

    test('20,000 × 64: matches brute force for both metrics across block boundaries, and nothing leaks', () => {
      const rng = new Random(2024);
      const dim = 64;
      const db = Float32Array.from({ length: 20000 * dim }, () => rng.normal());
      const queryRows = Array.from({ length: 60 }, () => rng.nextInt(20000));
      const q = new Float32Array(queryRows.length * dim);
      queryRows.forEach((r, i) => q.set(db.subarray(r * dim, (r + 1) * dim), i * dim));
      const k = 10;
      for (const metric of ['euclidean', 'cosine'] as const) {
        const tensorsBefore = tf.memory().numTensors;
        const result = searchDatabaseRows(embeddingMatrix(db, dim), queryRows, { k, metric, queryBlockRows: 25, databaseBlockRows: 3000 });
        assert.equal(tf.memory().numTensors, tensorsBefore, 'search leaked tensors');
        const truth = bruteForce(db, q, dim, k + 1, metric);
        for (let i = 0; i < queryRows.length; i++) {
          const expectedRows = (truth.rows[i] as number[]).filter((r) => r !== queryRows[i]).slice(0, k);
          const expectedDists = (truth.dists[i] as number[]).filter((_, j) => (truth.rows[i] as number[])[j] !== queryRows[i]).slice(0, k);
          assert.deepEqual(Array.from(result.indices.slice(i * k, (i + 1) * k)), expectedRows, `${metric} query ${i}`);
          for (let j = 0; j < k; j++) assert.ok(Math.abs((result.distances[i * k + j] as number) - (expectedDists[j] as number)) < 1e-5);
        }
      }
    });
  });
}

test('a large search never holds more than a block of scores: 3,000 queries × 20,000 rows stay far below the 240 MB full matrix', async () => {
  await initBackend('wasm');
  const rng = new Random(5);
  const dim = 32;
  const db = embeddingMatrix(Float32Array.from({ length: 20000 * dim }, () => rng.normal()), dim);
  const queries = embeddingMatrix(Float32Array.from({ length: 3000 * dim }, () => rng.normal()), dim);
  const liveBefore = tf.memory().numBytes;
  const profile = await tf.profile(() => {
    searchNearest(db, queries, { k: 10, metric: 'euclidean' });
  });
  const peakExtra = profile.peakBytes - liveBefore;
  assert.ok(peakExtra < 32 * 2 ** 20, `peak extra tensor memory ${(peakExtra / 2 ** 20).toFixed(1)} MB`);
  assert.equal(profile.newTensors, 0);
});
