// The wasm backend on several threads (server/contrastive/wasmThreads.ts): a run with --threads 2
// says so, trains to the same numbers bit for bit as with --threads 1 (each product's elements are
// summed in the same order whichever thread computes them), exits when done (the pool's workers must
// not hold the process), and leaves no temporary scripts behind. Each run is its own process, as the
// backend is chosen once per process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

const ROOT = resolve(__dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'cl-threads-'));
after(() => rmSync(work, { recursive: true, force: true }));

const SPEC = `experiment: threads
data: { source: builtin:digits, useLabels: false, limit: 600 }
pairs:
  positives: augmentation
  views:
    weak: [{ type: affine, probability: 0.5, degrees: 10 }]
    strong: [{ type: affine, probability: 0.8, degrees: 15 }, { type: gaussianNoise, probability: 0.5, std: 0.1 }]
  negatives: { type: batch }
distance: { type: cosine }
loss: { type: infoNCE, temperature: 0.5 }
architecture:
  backbone: { type: mlp, layers: [128] }
  representationSize: 64
  projection: { layers: [64, 32] }
strategy: { epochs: 1, batchSize: 128 }
`;

interface Trained { losses: number[]; backendMessage: string; vectors: Buffer }

function train(threads: number): Trained {
  const spec = join(work, `t${threads}.contrastive.yaml`);
  writeFileSync(spec, SPEC);
  const out = join(work, `runs-${threads}`);
  const env = { ...process.env, TMPDIR: join(work), CONTRASTIVE_LAB_BACKEND: 'wasm' };
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli/main.ts'), 'train', spec, '--out', out, '--no-umap', '--json', '--threads', String(threads)], { cwd: ROOT, encoding: 'utf8', env, timeout: 120_000 });
  assert.equal(r.error, undefined, `the --threads ${threads} run did not exit within 2 minutes (${String(r.error)})`);
  assert.equal(r.status, 0, r.stderr);
  const dir = join(out, readdirSync(out).find((d) => !d.startsWith('.'))!);
  const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { loss?: number });
  const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; message: string });
  return {
    losses: lines.flatMap((l) => (l.loss === undefined ? [] : [l.loss])),
    backendMessage: events.find((e) => e.event === 'backend')!.message,
    vectors: readFileSync(join(dir, 'embeddings', 'vectors.f32')),
  };
}

test('two threads train to the same losses and embeddings, bit for bit, as one thread', () => {
  const one = train(1);
  const two = train(2);
  assert.match(one.backendMessage, /^backend: wasm, 1 thread /);
  assert.match(two.backendMessage, /^backend: wasm, 2 threads /);
  assert.ok(one.losses.length >= 3, `expected a loss per step, got ${one.losses.length}`);
  assert.deepEqual(two.losses, one.losses);
  assert.ok(two.vectors.equals(one.vectors), 'the final embeddings differ between 1 and 2 threads');
  // The worker scripts live in TMPDIR only while the backend initialises.
  assert.deepEqual(readdirSync(work).filter((f) => f.startsWith('contrastive-lab-wasm-')), []);
});

test('the threaded binary starts one pool worker per helper thread, not eight', () => {
  // The patch point must exist in the installed tfjs (else the backend loads unpatched, 1 s slower).
  const { poolLineFound } = require(join(ROOT, 'server/contrastive/wasmPool.ts')) as typeof import('../../../server/contrastive/wasmPool');
  assert.ok(poolLineFound(readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm'), 'utf8')), 'tfjs-backend-wasm no longer has the pool-size line wasmPool.ts patches');
  const script = `const { initBackend, tf } = require(${JSON.stringify(join(ROOT, 'server/contrastive/backend.ts'))});
initBackend('wasm', { threads: 3 }).then((choice) => {
  const pool = tf.backend().wasm.PThread;
  const y = tf.conv2d(tf.ones([2, 16, 16, 4]), tf.ones([3, 3, 4, 8]), 1, 'same').sum().dataSync()[0];
  console.log(JSON.stringify({ threads: choice.threads, workers: pool.unusedWorkers.length + pool.runningWorkers.length, y }));
  process.exit(0);
});`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CONTRASTIVE_LAB_BACKEND: 'wasm' }, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as { threads: number; workers: number; y: number };
  assert.equal(result.threads, 3);
  assert.equal(result.workers, 2, 'three threads need two pool workers');
  // Ones through a 3×3 'same' convolution: each of 16 rows and columns sees 3 neighbours, 2 at the edges.
  assert.equal(result.y, 2 * 8 * 4 * (16 * 3 - 2) ** 2, 'a convolution on the pool gave the wrong sum');
});

test('a dense network keeps XNNPACK on one thread; the backend still reports (and our products use) the threads asked for', () => {
  const script = `const { initBackend, tf } = require(${JSON.stringify(join(ROOT, 'server/contrastive/backend.ts'))});
initBackend('wasm', { threads: 2, convolutional: false }).then((choice) => {
  const xnnpack = require('@tensorflow/tfjs-backend-wasm').getThreadsCount();
  const a = tf.tensor2d(Array.from({ length: 256 * 64 }, (_, i) => (i % 7) - 3), [256, 64]);
  const product = tf.matMul(a, a, false, true);
  const diagonal = tf.sum(tf.mul(a, a), 1).dataSync();
  const got = Array.from({ length: 256 }, (_, i) => product.dataSync()[i * 256 + i]);
  console.log(JSON.stringify({ threads: choice.threads, xnnpack, same: got.every((v, i) => v === diagonal[i]) }));
  process.exit(0);
});`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CONTRASTIVE_LAB_BACKEND: 'wasm' }, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as { threads: number; xnnpack: number; same: boolean };
  assert.deepEqual(result, { threads: 2, xnnpack: 1, same: true });
});
