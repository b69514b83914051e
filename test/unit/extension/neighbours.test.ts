// The gallery's neighbour search over stored embeddings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmbeddingsMeta } from '../../../server/runs/format';
import { displayLabels, metricForSpec, nearestNeighbours } from '../../../extension/runs/runEmbeddings';

// five 2-D points: 0 (1,0), 1 (0.9,0.1), 2 (0,1), 3 (-1,0), 4 (10, 0.5)
const vectors = new Float32Array([1, 0, 0.9, 0.1, 0, 1, -1, 0, 10, 0.5]);

test('cosine neighbours follow direction, nearest first, without the query itself', () => {
  const found = nearestNeighbours(vectors, 2, 0, 3, 'cosine');
  assert.deepEqual(found.map((n) => n.index), [4, 1, 2]);
  assert.ok(Math.abs(found[2]!.distance - 1) < 1e-9, 'orthogonal vectors are at cosine distance 1');
});

test('euclidean neighbours follow position', () => {
  const found = nearestNeighbours(vectors, 2, 0, 2, 'euclidean');
  assert.deepEqual(found.map((n) => n.index), [1, 2]);
  assert.ok(Math.abs(found[0]!.distance - Math.hypot(0.1, 0.1)) < 1e-6);
});

test('k larger than the data returns everything else; a bad query index says what exists', () => {
  assert.equal(nearestNeighbours(vectors, 2, 3, 50, 'cosine').length, 4);
  assert.throws(() => nearestNeighbours(vectors, 2, 5, 3, 'cosine'), /sample 5 does not exist; the run has 5 embeddings \(0 to 4\)/);
});

test('the neighbour metric follows the spec\'s distance', () => {
  assert.equal(metricForSpec({ distance: { type: 'cosine' } }), 'cosine');
  assert.equal(metricForSpec({ distance: { type: 'euclidean', normalize: false }, architecture: { normalizeOutput: false } }), 'euclidean');
  assert.equal(metricForSpec({ distance: { type: 'euclidean', normalize: true } }), 'cosine');
  assert.equal(metricForSpec(undefined), 'cosine');
});

test('labels display as class names when the run has them', () => {
  const meta = { classNames: ['cat', 'dog'] } as unknown as EmbeddingsMeta;
  assert.deepEqual(displayLabels(meta, { ids: ['a', 'b', 'c'], labels: [1, null, 0], split: ['test', 'test', 'test'] }), ['dog', '', 'cat']);
  const unnamed = { classNames: null } as unknown as EmbeddingsMeta;
  assert.deepEqual(displayLabels(unnamed, { ids: ['a'], labels: [7], split: ['test'] }), ['7']);
});
