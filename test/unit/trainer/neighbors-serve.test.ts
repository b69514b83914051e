// `contrastive-lab neighbors <run> --serve`: the built CLI answers JSON-RPC queries against a run
// with known embeddings, survives bad requests, and ends on stdin end and on SIGTERM.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { writeEmbeddings } from '../../../server/runs/embeddings';
import { createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { findNeighbors, NeighborIndex } from '../../../server/trainer/neighbors';
import { FindNeighborsRequest, NeighborErrorCodes, ReadyNotification, type ReadyParams } from '../../../server/trainer/neighborsProtocol';
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

type Found = { id?: unknown; neighbors: { id: string; index: number; distance: number; className: string | null }[] };

function startServe(runDir: string, ...extra: string[]): { child: ChildProcessWithoutNullStreams; connection: MessageConnection; ready: Promise<ReadyParams>; find: (params: unknown) => Promise<Found>; stderr: () => string; exit: Promise<number | null> } {
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [CLI, 'neighbors', runDir, '--serve', ...extra], { env: { ...process.env, CONTRASTIVE_LAB_BACKEND: 'cpu' } });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const ready = new Promise<ReadyParams>((resolve) => connection.onNotification(ReadyNotification, resolve));
  connection.listen();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  // Untyped on purpose: the server must check what it is sent.
  const find = (params: unknown): Promise<Found> => connection.sendRequest(FindNeighborsRequest.method, params) as Promise<Found>;
  return { child, connection, ready, find, stderr: () => stderr, exit };
}

async function rejection(answer: Promise<unknown>): Promise<ResponseError<unknown>> {
  try {
    await answer;
  } catch (e) {
    assert.ok(e instanceof ResponseError, `a ResponseError, got ${String(e)}`);
    return e;
  }
  assert.fail('the request was answered, not refused');
}

test('serve mode answers each request, bad ones with a ResponseError, and exits 0 when stdin ends', async () => {
  const { child, connection, ready, find, stderr, exit } = startServe(knownRun());
  assert.deepEqual(await ready, { count: 5, dim: 2, metric: 'cosine' });

  const first = await find({ query: 2, k: 3, metric: 'euclidean' });
  assert.deepEqual(first.neighbors.map((n) => [n.id, n.distance, n.className]), [['p1', 2, 'a'], ['p0', 3, 'a'], ['p7', 4, 'b']]);

  const outOfRange = await rejection(find({ query: 99, k: 3 }));
  assert.deepEqual([outOfRange.code, outOfRange.message], [NeighborErrorCodes.invalidParams, 'query 99 is not a sample of this run; use an index from 0 to 4.']);
  child.stdin.write('Content-Length: 16\r\n\r\nthis is not json');
  const badMetric = await rejection(find({ query: 1, metric: 'manhattan' }));
  assert.deepEqual([badMetric.code, badMetric.message], [NeighborErrorCodes.invalidParams, 'field "metric" must be "cosine" or "euclidean", got "manhattan"']);
  assert.match(stderr(), /ignored a message that could not be read/, 'the message that is not JSON is reported and skipped');

  // Still serving after the bad ones; the database stays resident across metrics and queries.
  const [a, b] = await Promise.all([find({ query: 4, k: 2, metric: 'euclidean' }), find({ query: 3, k: 1, metric: 'euclidean' })]);
  assert.deepEqual(a.neighbors.map((n) => [n.index, n.distance]), [[3, 8], [2, 12]]);
  assert.deepEqual(b.neighbors.map((n) => [n.index, n.distance]), [[2, 4]]);

  connection.dispose();
  child.stdin.end();
  assert.equal(await exit, 0);
});

test('serve mode ends cleanly on SIGTERM, and refuses a run without embeddings with a message', async () => {
  const { child, connection, ready, exit } = startServe(knownRun());
  assert.equal((await ready).count, 5);
  child.kill('SIGTERM');
  assert.equal(await exit, 0);
  connection.dispose();

  const empty = startServe(tempDir('neighbors-serve-empty'));
  assert.equal(await empty.exit, 1);
  assert.match(empty.stderr(), /contrastive-lab neighbors: .*embeddings/);
  empty.connection.dispose();
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
