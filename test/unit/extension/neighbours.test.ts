// How the gallery and the map label a run's samples.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmbeddingsMeta } from '../../../server/runs/format';
import { displayLabels } from '../../../extension/runs/runEmbeddings';

test('labels display as class names when the run has them', () => {
  const meta = { classNames: ['cat', 'dog'] } as unknown as EmbeddingsMeta;
  assert.deepEqual(displayLabels(meta, { ids: ['a', 'b', 'c'], labels: [1, null, 0], split: ['test', 'test', 'test'] }), ['dog', '', 'cat']);
  const unnamed = { classNames: null } as unknown as EmbeddingsMeta;
  assert.deepEqual(displayLabels(unnamed, { ids: ['a'], labels: [7], split: ['test'] }), ['7']);
});
