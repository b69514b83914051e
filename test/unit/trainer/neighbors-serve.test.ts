// `contrastive-lab neighbors <run> --serve`: the built CLI answers JSON-RPC queries against a run
// with known embeddings, survives bad requests, and ends on stdin end and on SIGTERM.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeEmbeddings } from '../../../server/runs/embeddings';
import { createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { findNeighbors, NeighborIndex } from '../../../server/trainer/neighbors';
import { FindNeighborsRequest, NeighborErrorCodes, ReadyNotification, type ReadyParams } from '../../../server/trainer/neighborsProtocol';
import { makeSyntheticRun } from '../../../bench/syntheticRun';
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

  // Still serving after the bad ones, with either metric.
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

test('the index answers like findNeighbors, keeps no vectors between queries, and refuses queries once disposed', () => {
  const dir = knownRun();
  const index = new NeighborIndex(dir, 'euclidean');
  assert.deepEqual(index.find(2, 3), findNeighbors(dir, 2, 3, 'euclidean'));
  assert.deepEqual(index.find(1, 2, 'cosine'), findNeighbors(dir, 1, 2, 'cosine'));
  assert.throws(() => index.find(5, 1), /query 5 is not a sample of this run; use an index from 0 to 4/);
  index.dispose();
  assert.throws(() => index.find(1, 1), /disposed/);
});

/** Every other row's distance to row `query` in float64, sorted by it as reported (float32), ties to the lower row; the first k. */
function bruteForce(vectors: Float32Array, dim: number, query: number, k: number, metric: 'cosine' | 'euclidean'): { index: number; distance: number }[] {
  const rows = vectors.length / dim;
  const all: { index: number; distance: number }[] = [];
  const q = vectors.subarray(query * dim, (query + 1) * dim);
  for (let r = 0; r < rows; r++) {
    if (r === query) continue;
    const x = vectors.subarray(r * dim, (r + 1) * dim);
    let dot = 0, qq = 0, xx = 0, sq = 0;
    for (let j = 0; j < dim; j++) {
      dot += q[j]! * x[j]!;
      qq += q[j]! * q[j]!;
      xx += x[j]! * x[j]!;
      sq += (q[j]! - x[j]!) ** 2;
    }
    all.push({ index: r, distance: Math.fround(metric === 'cosine' ? 1 - dot / Math.sqrt(qq * xx) : Math.sqrt(sq)) });
  }
  all.sort((a, b) => a.distance - b.distance || a.index - b.index);
  return all.slice(0, k);
}

test('the serve process answers exactly as brute force on a generated run of several blocks, both metrics', async () => {
  // 20,000 × 24 clustered vectors: more rows than one 8192-row block, so the scan crosses blocks.
  const dir = makeSyntheticRun(tempDir('neighbors-serve-generated'), { count: 20_000, dim: 24, classes: 5, seed: 3 });
  const vectors = new Float32Array(new Uint8Array(readFileSync(join(dir, 'embeddings', 'vectors.f32'))).buffer);
  const { child, connection, ready, find, exit } = startServe(dir);
  assert.deepEqual(await ready, { count: 20_000, dim: 24, metric: 'cosine' });
  // The last two ask for every other row (k above the count is capped): a row the scan skipped would show.
  for (const [query, k, metric] of [[0, 10, 'cosine'], [8191, 25, 'cosine'], [8192, 7, 'euclidean'], [19_999, 40, 'euclidean'], [12_345, 1, 'cosine'], [8193, 19_999, 'euclidean'], [4, 50_000, 'cosine']] as const) {
    const answer = await find({ query, k, metric });
    const truth = bruteForce(vectors, 24, query, k, metric);
    assert.equal(answer.neighbors.length, Math.min(k, 19_999));
    assert.deepEqual(answer.neighbors.map((n) => n.index), truth.map((t) => t.index), `query ${query} (${metric}): the same neighbours in the same order`);
    assert.deepEqual(answer.neighbors.map((n) => n.distance), truth.map((t) => t.distance), `query ${query} (${metric}): the same distances`);
    assert.equal(answer.neighbors[0]!.id, `synthetic-${truth[0]!.index}`);
  }
  connection.dispose();
  child.stdin.end();
  assert.equal(await exit, 0);
});
