// Our wasm TopK (kernels/wasmTopK.ts, the kNN search's selection) gives what tfjs' reference cpu
// kernel gives: the k largest values of every row, descending, equal values by ascending index
// (rows full of ties included), infinities kept (one per row: the cpu kernel's comparator cannot
// order equal infinities), a NaN row handed to the backend's own kernel, and k
// too large for a heap left to the backend as well.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../server/contrastive/backend';

async function topk(backend: 'wasm' | 'cpu', values: Float32Array, shape: number[], k: number): Promise<{ values: Float32Array; indices: Int32Array }> {
  await tf.setBackend(backend);
  const x = tf.tensor(values, shape);
  const r = tf.topk(x, k, true);
  const out = { values: r.values.dataSync() as Float32Array, indices: r.indices.dataSync() as Int32Array };
  tf.dispose([x, r.values, r.indices]);
  return out;
}

test('the wasm top-k equals the reference cpu kernel (ties, infinities, NaN rows, small and large k)', async () => {
  await initBackend('wasm', { threads: 1 });
  await initBackend('cpu');
  await initBackend('wasm', { threads: 1 });
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const cases: Array<{ name: string; shape: number[]; k: number; make: (i: number) => number }> = [
    { name: 'random scores', shape: [37, 4096], k: 21, make: () => random() * 2 - 1 },
    { name: 'few distinct values (ties)', shape: [16, 512], k: 20, make: () => Math.floor(random() * 5) },
    { name: 'all equal', shape: [3, 256], k: 10, make: () => 0.5 },
    { name: 'infinities', shape: [8, 300], k: 7, make: (i) => (i % 300 === 17 ? Infinity : i % 300 === 5 ? -Infinity : random()) },
    { name: 'k = 1, rank 3', shape: [2, 5, 400], k: 1, make: () => random() },
    { name: 'k above a thirty-second of the row (backend kernel)', shape: [4, 256], k: 20, make: () => random() },
    { name: 'a NaN row (backend kernel)', shape: [4, 512], k: 5, make: (i) => (i === 700 ? NaN : random()) },
  ];
  for (const c of cases) {
    const size = c.shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: size }, (_, i) => c.make(i));
    const ours = await topk('wasm', values, c.shape, c.k);
    const reference = await topk('cpu', values, c.shape, c.k);
    assert.deepEqual(Array.from(ours.indices), Array.from(reference.indices), `${c.name}: indices differ`);
    assert.deepEqual(Array.from(ours.values), Array.from(reference.values), `${c.name}: values differ`);
  }
  await tf.setBackend('wasm');
});
