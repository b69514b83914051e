// The gallery's NeighbourService against the real CLI (`neighbors <run> --serve`, dist/cli.js):
// lazy start, queued queries, errors that say what went wrong, a restart after the process died,
// deadlines, and disposal.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { writeEmbeddings } from '../../../server/runs/embeddings';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { NeighbourService } from '../../../extension/runs/neighbourService';
import type { TrainerInvocation } from '../../../extension/trainer/trainerCommand';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const root = mkdtempSync(join(tmpdir(), 'cl-neighbour-service-'));
const services: NeighbourService[] = [];
after(() => {
  for (const s of services) s.dispose();
  rmSync(root, { recursive: true, force: true });
});

// Five points on a line (x = 0, 1, 3, 7, 15) in 2-D, labelled a a b b a; no spec.json, so the
// serve mode's metric is cosine: the query at x = 0 is the zero vector.
function knownRun(name: string): string {
  const dir = join(root, name);
  writeEmbeddings(dir, {
    meta: { formatVersion: 1, count: 5, dim: 2, layer: 'representation', dtype: 'float32', byteOrder: 'little-endian', labelled: true, classNames: ['a', 'b'], epoch: 1, step: 1, projections: [], sprite: null },
    vectors: Float32Array.from([0, 0, 1, 0, 3, 0, -7, 0, 15, 1]),
    samples: { ids: ['p0', 'p1', 'p3', 'p7', 'p15'], labels: [0, 0, 1, 1, 0], split: ['train', 'train', 'test', 'test', 'train'] },
  }, {});
  return dir;
}

function cliInvocation(runDir: string): TrainerInvocation {
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
  return { command: process.execPath, args: [CLI, 'neighbors', runDir, '--serve'], env: { CONTRASTIVE_LAB_BACKEND: 'cpu' }, cwd: dirname(runDir) };
}

/** A stand-in search process written as a node one-liner, for failures the real CLI does not have. */
function scriptInvocation(script: string): TrainerInvocation {
  return { command: process.execPath, args: ['-e', script], env: {}, cwd: root };
}

/** Node code that writes the serve mode's ready notification, framed as JSON-RPC on stdout. */
const SAY_READY = (() => {
  const body = JSON.stringify({ jsonrpc: '2.0', method: 'neighbors/ready', params: { count: 5, dim: 2, metric: 'cosine' } });
  return `process.stdout.write(${JSON.stringify(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)});`;
})();

function service(inv: TrainerInvocation, options: ConstructorParameters<typeof NeighbourService>[1] = {}): NeighbourService {
  const s = new NeighbourService(inv, options);
  services.push(s);
  return s;
}

test('queries sent before the process is up are answered in turn by the library search; a bad index is an error, not the end', async () => {
  const s = service(cliInvocation(knownRun('answers')));
  assert.equal(s.pid, undefined, 'nothing starts before the first query');
  const [a, b, bad] = await Promise.allSettled([s.query(1, 2), s.query(3, 1), s.query(9, 2)]);
  assert.equal(a.status, 'fulfilled');
  assert.equal(b.status, 'fulfilled');
  if (a.status !== 'fulfilled' || b.status !== 'fulfilled') return;
  assert.deepEqual(a.value.map((n) => [n.id, n.className]), [['p3', 'b'], ['p15', 'a']]);
  assert.ok(Math.abs(a.value[0]!.distance) < 1e-6, 'same direction: cosine distance 0');
  assert.deepEqual(b.value.map((n) => [n.index, n.distance]), [[0, 1]], 'everything else points the opposite way (distance ~2); the zero vector is at cosine distance 1');
  assert.equal(bad.status, 'rejected');
  assert.match(String((bad as PromiseRejectedResult).reason), /query 9 is not a sample of this run; use an index from 0 to 4/);
  const again = await s.query(4, 1);
  assert.equal(again[0]!.id, 'p1', 'p1 and p3 point the same way: the tie goes to the lower index');
});

test('a search process that died is started again for the next query; dispose stops it and refuses new queries', async () => {
  const s = service(cliInvocation(knownRun('restart')));
  await s.query(1, 1);
  const first = s.pid!;
  process.kill(first, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 200));
  const found = await s.query(1, 1);
  assert.equal(found[0]!.id, 'p3');
  const second = s.pid!;
  assert.notEqual(second, first);
  s.dispose();
  await assert.rejects(s.query(1, 1), /the neighbour search was closed/);
  await new Promise((r) => setTimeout(r, 300));
  assert.throws(() => process.kill(second, 0), /ESRCH/, 'the search process is gone after dispose');
});

test('a missing run folder fails at once with the CLI\'s own message, naming the folder', async () => {
  const s = service(cliInvocation(join(root, 'no-such-run')));
  await assert.rejects(s.query(0, 5), /the neighbour search could not start: the neighbour search process exited \(code 1\): contrastive-lab neighbors: .*no-such-run: no such run folder/);
});

test('a query that gets no answer times out with a clear error, and one that keeps killing the process is sent only twice', async () => {
  const silent = service(scriptInvocation(`${SAY_READY} process.stdin.resume();`), { requestTimeoutMs: 300 });
  await assert.rejects(silent.query(2, 3), /the neighbour search took longer than 0\.3 s for sample 2; it was stopped and starts again with the next query/);

  const neverReady = service(scriptInvocation('process.stdin.resume();'), { startTimeoutMs: 300 });
  await assert.rejects(neverReady.query(0, 1), /the neighbour search did not start within 0\.3 s/);

  const crashing = service(scriptInvocation(`${SAY_READY} process.stdin.once("data", () => process.exit(3));`));
  await assert.rejects(crashing.query(0, 1), /the neighbour search process exited \(code 3\); it was already started again once for sample 0/);
});

test('a withdrawn query is rejected as cancelled at once, and the others are still answered', async () => {
  const s = service(cliInvocation(knownRun('cancel')));
  const withdrawn = new CancellationTokenSource();
  const [kept, cancelled] = [s.query(1, 1), s.query(3, 1, withdrawn.token)];
  withdrawn.cancel();
  await assert.rejects(cancelled, /the neighbour query for sample 3 was cancelled/);
  assert.equal((await kept)[0]!.id, 'p3');
  const sent = new CancellationTokenSource();
  const inFlight = s.query(4, 2, sent.token);
  sent.cancel();
  await assert.rejects(inFlight, /was cancelled/);
  assert.equal((await s.query(4, 1))[0]!.id, 'p1', 'the process serves on after a cancellation');
});
