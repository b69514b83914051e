import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../../../server/contrastive/backend';
import { writeEmbeddings } from '../../../server/runs/embeddings';
import { findNeighbors } from '../../../server/trainer/neighbors';
import { tempDir } from './helpers';

const ROOT = join(__dirname, '..', '..', '..');

// Five points on a line (x = 0, 1, 3, 7, 15) in 2-D, labelled a a b b a.
function knownRun(): string {
  const dir = join(tempDir('neighbors'), 'run');
  writeEmbeddings(dir, {
    meta: { formatVersion: 1, count: 5, dim: 2, layer: 'representation', dtype: 'float32', byteOrder: 'little-endian', labelled: true, classNames: ['a', 'b'], epoch: 1, step: 1, projections: [], sprite: null },
    vectors: Float32Array.from([0, 0, 1, 0, 3, 0, 7, 0, 15, 0]),
    samples: { ids: ['p0', 'p1', 'p3', 'p7', 'p15'], labels: [0, 0, 1, 1, 0], split: ['train', 'train', 'test', 'test', 'train'] },
  }, {});
  return dir;
}

test('neighbors of a known set come nearest first, with distances and label matches', async () => {
  await initBackend('cpu');
  const dir = knownRun();
  const result = findNeighbors(dir, 2, 3, 'euclidean');
  assert.equal(result.query.id, 'p3');
  assert.equal(result.query.className, 'b');
  assert.deepEqual(result.neighbors.map((n) => n.id), ['p1', 'p0', 'p7']);
  assert.deepEqual(result.neighbors.map((n) => n.distance), [2, 3, 4]);
  assert.deepEqual(result.neighbors.map((n) => n.sameLabel), [false, false, true]);
  assert.deepEqual(result.neighbors.map((n) => n.rank), [1, 2, 3]);
  assert.throws(() => findNeighbors(dir, 5, 3, 'euclidean'), /--query 5 is not a sample of this run; use an index from 0 to 4/);
});

test('the neighbors command prints them, and JSON with --json', () => {
  const dir = knownRun();
  const cli = (...args: string[]): string => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli/main.ts'), 'neighbors', dir, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CONTRASTIVE_LAB_BACKEND: 'cpu' } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const text = cli('--query', '4', '-k', '2', '--metric', 'euclidean');
  assert.match(text, /query #4 p15 label a \(train\); euclidean distance/);
  assert.match(text, /1\. ✗ #3 p7 {2}label b {2}distance 8\.0000/);
  assert.match(text, /2\. ✗ #2 p3 {2}label b {2}distance 12\.0000/);
  const json = JSON.parse(cli('--query', '0', '--k', '1', '--metric', 'euclidean', '--json')) as { neighbors: { id: string; distance: number }[] };
  assert.deepEqual(json.neighbors.map((n) => [n.id, n.distance]), [['p1', 1]]);
  const bad = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli/main.ts'), 'neighbors', dir, '--query', 'x'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--query must be a whole number >= 0, got "x"/);
});
