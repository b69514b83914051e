// Evaluation metrics on small hand-computed sets: weighted kNN (the temperature changes the vote),
// precision@1 / recall@k / MAP@R, the collapse monitor's verdicts, and a linear probe that separates
// separable classes; on cpu and wasm, without leaking tensors.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { Random } from '../../../server/contrastive/random';
import { embeddingMatrix } from '../../../server/contrastive/eval/embeddingMatrix';
import { knnAccuracy } from '../../../server/contrastive/eval/knnAccuracy';
import { retrievalMetrics } from '../../../server/contrastive/eval/retrieval';
import { measureCollapse } from '../../../server/contrastive/eval/collapse';
import { linearProbe, stratifiedSubset } from '../../../server/contrastive/eval/linearProbe';

function blobs(perClass: number, centres: number[][], spread: number, seed: number): { x: Float32Array; labels: Int32Array; dim: number } {
  const rng = new Random(seed);
  const dim = (centres[0] as number[]).length;
  const x = new Float32Array(perClass * centres.length * dim);
  const labels = new Int32Array(perClass * centres.length);
  centres.forEach((centre, c) => {
    for (let i = 0; i < perClass; i++) {
      const row = c * perClass + i;
      labels[row] = c;
      for (let j = 0; j < dim; j++) x[row * dim + j] = (centre[j] as number) + rng.normal(0, spread);
    }
  });
  return { x, labels, dim };
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`evaluation on ${backend}`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('weighted kNN: one very similar neighbour outvotes two less similar ones only at a low temperature', () => {
      // Query (1,0): class 0 at (1,0) has cos 1; class 1 at (0.6, ±0.8) has cos 0.6 twice.
      const train = embeddingMatrix(Float32Array.from([1, 0, 0.6, 0.8, 0.6, -0.8]), 2);
      const labels = Int32Array.from([0, 1, 1]);
      const test = embeddingMatrix(Float32Array.from([1, 0]), 2);
      // T = 0.1: e^10 ≈ 22026 vs 2·e^6 ≈ 807 → class 0.   T = 10: e^0.1 ≈ 1.105 vs 2·e^0.06 ≈ 2.124 → class 1.
      assert.equal(knnAccuracy(train, labels, test, Int32Array.from([0]), { k: 3, temperature: 0.1 }).predictions[0], 0);
      assert.equal(knnAccuracy(train, labels, test, Int32Array.from([0]), { k: 3, temperature: 10 }).predictions[0], 1);
      assert.equal(knnAccuracy(train, labels, test, Int32Array.from([1]), { k: 3, temperature: 10 }).accuracy, 1);
    });

    test('precision@1, recall@k and MAP@R match a hand-computed example (lone labels left out)', () => {
      // 1-D points; row 6 (label 2) is the only one of its label, so it is not a query.
      const points = embeddingMatrix(Float32Array.from([0, 1, 2.5, 10, 11, 3.2, 50]), 1);
      const labels = Int32Array.from([0, 0, 1, 1, 1, 0, 2]);
      const result = retrievalMetrics(points, labels, { recallAtK: [1, 2, 4], metric: 'euclidean' });
      // Per query (relevance of the ranked neighbours → AP@R with R = 2):
      // q0 [1,0,1] 0.5 · q1 [1,0,1] 0.5 · q2 [0,0,0,1] 0 · q3 [1,0,1] 0.5 · q4 [1,0,1] 0.5 · q5 [0,1,1] 0.25
      assert.equal(result.queries, 6);
      assert.ok(Math.abs(result.precisionAt1 - 4 / 6) < 1e-12);
      assert.ok(Math.abs(result.mapAtR - 2.25 / 6) < 1e-12);
      assert.deepEqual(result.recallAtK, { '1': 4 / 6, '2': 5 / 6, '4': 1 });
    });

    test('retrieval over a bounded budget evaluates an evenly spaced subset of the queries', () => {
      const points = embeddingMatrix(Float32Array.from([0, 1, 2.5, 10, 11, 3.2, 50]), 1);
      const labels = Int32Array.from([0, 0, 1, 1, 1, 0, 2]);
      // k = 4 neighbours per query and room for 8 entries → 2 queries: rows 0 and 3 (both AP 0.5, P@1 1).
      const result = retrievalMetrics(points, labels, { recallAtK: [1, 4], metric: 'euclidean', maxResultEntries: 8 });
      assert.equal(result.queries, 2);
      assert.equal(result.precisionAt1, 1);
      assert.equal(result.mapAtR, 0.5);
    });

    test('retrieval with no repeated label explains why it cannot be measured', () => {
      assert.throws(() => retrievalMetrics(embeddingMatrix(Float32Array.from([0, 1]), 1), Int32Array.from([0, 1]), { recallAtK: [1], metric: 'cosine' }), /no label occurs twice/);
      assert.throws(() => retrievalMetrics(embeddingMatrix(Float32Array.from([0, 1]), 1), Int32Array.from([0]), { recallAtK: [1], metric: 'cosine' }), /1 labels for 2 embeddings/);
    });

    test('collapse monitor: identical outputs collapse, two used dimensions are partial, spread outputs are healthy', () => {
      const rng = new Random(4);
      const dim = 64;
      const same = tf.tile(tf.tensor2d([Array.from({ length: dim }, (_, j) => j + 1)]), [100, 1]) as tf.Tensor2D;
      const collapsed = measureCollapse(same);
      assert.equal(collapsed.verdict, 'collapsed');
      assert.ok(collapsed.std < 1e-4);
      assert.match(collapsed.message, /collapse/i);
      const twoDims = new Float32Array(2000 * dim);
      for (let i = 0; i < 2000; i++) {
        twoDims[i * dim] = rng.normal();
        twoDims[i * dim + 1] = rng.normal();
      }
      assert.equal(measureCollapse(embeddingMatrix(twoDims, dim)).verdict, 'partial');
      const spread = Float32Array.from({ length: 2000 * dim }, () => rng.normal());
      const healthy = measureCollapse(embeddingMatrix(spread, dim));
      assert.equal(healthy.verdict, 'healthy');
      assert.ok(Math.abs(healthy.std - 1 / 8) < 0.01, `std ${healthy.std}`);
      assert.equal(healthy.healthyStd, 1 / 8);
      same.dispose();
    });

    test('linear probe: separable classes are classified from 10% of the labels, reproducibly, without leaks', () => {
      const centres = [[3, 0, 0, 0, 0, 0], [0, 3, 0, 0, 0, 0], [0, 0, 3, 0, 0, 0]];
      const train = blobs(100, centres, 0.5, 1);
      const test = blobs(30, centres, 0.5, 2);
      const tensorsBefore = tf.memory().numTensors;
      const options = { labelFraction: 0.1, epochs: 30, seed: 3 };
      const first = linearProbe(embeddingMatrix(train.x, 6), train.labels, embeddingMatrix(test.x, 6), test.labels, options);
      const again = linearProbe(embeddingMatrix(train.x, 6), train.labels, embeddingMatrix(test.x, 6), test.labels, options);
      assert.equal(tf.memory().numTensors, tensorsBefore, 'linear probe leaked tensors');
      assert.equal(first.trainedOn, 30);
      assert.ok(first.accuracy >= 0.95, `accuracy ${first.accuracy}`);
      assert.equal(again.accuracy, first.accuracy);
    });

    test('kNN accuracy on blobs is high and leaks nothing', () => {
      const centres = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
      const train = blobs(50, centres, 0.1, 5);
      const test = blobs(20, centres, 0.1, 6);
      const tensorsBefore = tf.memory().numTensors;
      const result = knnAccuracy(embeddingMatrix(train.x, 3), train.labels, embeddingMatrix(test.x, 3), test.labels, { k: 20, temperature: 0.07 });
      assert.equal(tf.memory().numTensors, tensorsBefore);
      assert.ok(result.accuracy >= 0.95, `accuracy ${result.accuracy}`);
    });
  });
}

test('the probe subset is stratified: each class contributes its share and at least one sample', () => {
  const labels = Int32Array.from([...new Array<number>(50).fill(0), ...new Array<number>(5).fill(1)]);
  const subset = stratifiedSubset(labels, 0.1, new Random(1));
  assert.equal(subset.filter((r) => labels[r] === 0).length, 5);
  assert.equal(subset.filter((r) => labels[r] === 1).length, 1);
});
