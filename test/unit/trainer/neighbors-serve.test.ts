// `contrastive-lab neighbors <run> --serve`: the built CLI answers JSON-line queries against a run
// with known embeddings, survives bad requests, and ends on stdin end and on SIGTERM.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { writeEmbeddings } from '../../../server/runs/embeddings';
import { findNeighbors, NeighborIndex } from '../../../server/trainer/neighbors';
import { tempDir } from './helpers';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

// Five points on a line (x = 0, 1, 3, 7, 15) in 2-D, labelled a a b b a.
function knownRun(): string {
  const dir = join(tempDir('neighbors-serve'), 'run');
  writeEmbeddings(dir, {
    meta: { formatVersion: 1, count: 5, dim: 2, layer: 'representation', dtype: 'float32', byteOrder: 'little-endian', labelled: true, classNames: ['a', 'b'], epoch: 1, step: 1, projections: [], sprite: null },
    vectors: Float32Array.from([0, 0, 1, 0, 3, 0, 7, 0, 15, 0]),
    samples: { ids: ['p0', 'p1', 'p3', 'p7', 'p15'], labels: [0, 0, 1, 1, 0], split: ['train', 'train', 'test', 'test', 'train'] },
  }, {});
  return dir;
}

type Answer = Record<string, unknown> & { id?: unknown; error?: string; neighbors?: { id: string; index: number; distance: number; className: string | null }[] };

function startServe(runDir: string, ...extra: string[]): { child: ChildProcessWithoutNullStreams; next: () => Promise<Answer>; exit: Promise<number | null> } {
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [CLI, 'neighbors', runDir, '--serve', ...extra], { env: { ...process.env, CONTRASTIVE_LAB_BACKEND: 'cpu' } });
  const waiting: ((a: Answer) => void)[] = [];
  const buffered: Answer[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line) as Answer;
    const w = waiting.shift();
    if (w) w(answer);
    else buffered.push(answer);
  });
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const next = (): Promise<Answer> => (buffered.length > 0 ? Promise.resolve(buffered.shift()!) : new Promise((resolve) => waiting.push(resolve)));
  return { child, next, exit };
}

test('serve mode answers each request line, bad ones with an error, and exits 0 when stdin ends', async () => {
  const { child, next, exit } = startServe(knownRun());
  assert.deepEqual(await next(), { ready: true, count: 5, dim: 2, metric: 'cosine' });

  child.stdin.write('{"id":1,"query":2,"k":3,"metric":"euclidean"}\n');
  const first = await next();
  assert.equal(first.id, 1);
  assert.deepEqual(first.neighbors!.map((n) => [n.id, n.distance, n.className]), [['p1', 2, 'a'], ['p0', 3, 'a'], ['p7', 4, 'b']]);

  child.stdin.write('{"id":2,"query":99,"k":3}\nthis is not json\n{"id":"x","query":1,"metric":"manhattan"}\n');
  assert.deepEqual(await next(), { id: 2, error: 'query 99 is not a sample of this run; use an index from 0 to 4.' });
  assert.match((await next()).error ?? '', /^not JSON: "this is not json"/);
  assert.deepEqual(await next(), { id: 'x', error: 'field "metric" must be "cosine" or "euclidean", got "manhattan"' });

  // Still serving after the bad ones; the database stays resident across metrics and queries.
  child.stdin.write('{"id":5,"query":4,"k":2,"metric":"euclidean"}\n{"id":6,"query":3,"k":1,"metric":"euclidean"}\n');
  assert.deepEqual((await next()).neighbors!.map((n) => [n.index, n.distance]), [[3, 8], [2, 12]]);
  assert.deepEqual((await next()).neighbors!.map((n) => [n.index, n.distance]), [[2, 4]]);

  child.stdin.end();
  assert.equal(await exit, 0);
});

test('serve mode ends cleanly on SIGTERM, and refuses a run without embeddings with a message', async () => {
  const { child, next, exit } = startServe(knownRun());
  assert.equal((await next()).ready, true);
  child.kill('SIGTERM');
  assert.equal(await exit, 0);

  const empty = startServe(tempDir('neighbors-serve-empty'));
  let stderr = '';
  empty.child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  assert.equal(await empty.exit, 1);
  assert.match(stderr, /contrastive-lab neighbors: .*embeddings/);
});

test('the resident index answers like findNeighbors, leaks no tensor per query, and frees its database on dispose', async () => {
  await initBackend('cpu');
  const dir = knownRun();
  const before = tf.memory().numTensors;
  const index = new NeighborIndex(dir, 'euclidean');
  assert.deepEqual(index.find(2, 3), findNeighbors(dir, 2, 3, 'euclidean'));
  index.find(1, 2, 'cosine');
  const resident = tf.memory().numTensors;
  assert.ok(resident > before, 'the database stays on the backend between queries');
  for (let q = 0; q < 20; q++) index.find(q % 5, 1 + (q % 4), q % 2 === 0 ? 'cosine' : 'euclidean');
  assert.equal(tf.memory().numTensors, resident, 'no tensors left behind by queries');
  assert.throws(() => index.find(5, 1), /query 5 is not a sample of this run; use an index from 0 to 4/);
  index.dispose();
  assert.equal(tf.memory().numTensors, before);
});
