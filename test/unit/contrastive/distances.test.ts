// Distances at the settings the reference fixtures do not hold (unnormalised Lp, squared, manhattan,
// unnormalised dot, KL/JS/W1 at T = 0.5), self and cross, against float64 definitions and finite
// differences of the probe Σ W_ij D_ij, on cpu and wasm. Self matrices have an exact zero diagonal
// and no NaN anywhere in their gradients, even with a probe that weights the diagonal.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { createDistance, distanceTypes } from '../../../server/contrastive/distances';
import type { DistanceSpec } from '../../../server/spec/types';
import * as ref from './losses-float64-reference';

type M = ref.M;

const x = ref.randomMatrix(7, 5, 3);
const y = ref.randomMatrix(4, 5, 4);

interface Case {
  readonly spec: DistanceSpec;
  readonly reference: (a: M, b: M) => M;
  readonly isInverted: boolean;
}

const cases: Case[] = [
  { spec: { type: 'euclidean', normalize: false }, reference: ref.euclid, isInverted: false },
  { spec: { type: 'euclidean', normalize: true }, reference: (a, b) => ref.euclid(ref.normalize(a), ref.normalize(b)), isInverted: false },
  { spec: { type: 'squaredEuclidean', normalize: false }, reference: ref.sqEuclid, isInverted: false },
  { spec: { type: 'manhattan', normalize: false }, reference: ref.manhattan, isInverted: false },
  { spec: { type: 'manhattan', normalize: true }, reference: (a, b) => ref.manhattan(ref.normalize(a, 1), ref.normalize(b, 1)), isInverted: false },
  { spec: { type: 'dot', normalize: false }, reference: ref.dots, isInverted: true },
  { spec: { type: 'cosine' }, reference: ref.cosine, isInverted: true },
  { spec: { type: 'kl', temperature: 0.5 }, reference: (a, b) => ref.kl(a, b, 0.5), isInverted: false },
  { spec: { type: 'jensenShannon', temperature: 0.5 }, reference: (a, b) => ref.js(a, b, 0.5), isInverted: false },
  { spec: { type: 'wasserstein', temperature: 0.5 }, reference: (a, b) => ref.w1(a, b, 0.5), isInverted: false },
];

const probe = (rows: number, cols: number, zeroDiagonal: boolean): M =>
  ref.randomMatrix(rows, cols, 99).map((r, i) => r.map((v, j) => (zeroDiagonal && i === j ? 0 : v)));

function weighted(d: M, w: M): number {
  return d.reduce((acc, r, i) => acc + r.reduce((t, v, j) => t + v * (w[i]?.[j] ?? 0), 0), 0);
}

function assertClose(what: string, actual: ArrayLike<number>, expected: M, gradient: boolean): void {
  const e = expected.flat();
  const scale = Math.max(...e.map(Math.abs));
  assert.equal(actual.length, e.length);
  e.forEach((v, i) => {
    const tol = gradient ? 2e-3 * scale + 1e-5 : 1e-4 * Math.max(1, Math.abs(v));
    assert.ok(Math.abs((actual[i] ?? Number.NaN) - v) <= tol, `${what}[${i}]: got ${actual[i]}, expected ${v}`);
  });
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`distances on ${backend}`, () => {
    test(`initialise ${backend}`, async () => {
      await initBackend(backend);
    });
    for (const c of cases) {
      const name = `${c.spec.type} ${JSON.stringify(c.spec)}`;
      test(`${name}: cross matrix and gradients`, () => {
        const distance = createDistance(c.spec);
        assert.equal(distance.isInverted, c.isInverted);
        const w = probe(x.length, y.length, false);
        const [matrix, ga, gb] = tf.tidy(() => {
          const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.tensor2d(w), distance.pairwise(a as tf.Tensor2D, b as tf.Tensor2D)));
          const [da, db] = tf.grads(f)([tf.tensor2d(x), tf.tensor2d(y)]);
          return [distance.pairwise(tf.tensor2d(x), tf.tensor2d(y)).dataSync(), da?.dataSync() ?? [], db?.dataSync() ?? []];
        });
        assertClose('matrix', matrix, c.reference(x, y), false);
        const [na, nb] = ref.numericalGradients(([a, b]) => weighted(c.reference(a ?? [], b ?? []), w), [x, y]);
        assertClose('gradient wrt x', ga, na ?? [], true);
        assertClose('gradient wrt y', gb, nb ?? [], true);
      });
      test(`${name}: self matrix, zero diagonal, finite gradients`, () => {
        const distance = createDistance(c.spec);
        const w = probe(x.length, x.length, true);
        const [matrix, g, gFullProbe] = tf.tidy(() => {
          const grad = (weights: M) => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.tensor2d(weights), distance.pairwise(a as tf.Tensor2D))))(tf.tensor2d(x)).dataSync();
          return [distance.pairwise(tf.tensor2d(x)).dataSync(), grad(w), grad(probe(x.length, x.length, false))];
        });
        assertClose('matrix', matrix, c.reference(x, x), false);
        if (!c.isInverted) for (let i = 0; i < x.length; i++) assert.ok(Math.abs(matrix[i * x.length + i] ?? 1) < 1e-6, `diagonal ${i} is ${matrix[i * x.length + i]}`);
        const [n] = ref.numericalGradients(([a]) => weighted(c.reference(a ?? [], a ?? []), w), [x]);
        assertClose('gradient', g, n ?? [], true);
        assert.ok(Array.from(gFullProbe).every(Number.isFinite), 'a probe that weights the diagonal still gives finite gradients');
      });
    }
  });
}

describe('large batches take the matrix-product path of the euclidean distances', () => {
  // 170 × 170 × 40 elements is above the size where differences are formed explicitly.
  const big = ref.randomMatrix(170, 40, 8);
  const other = ref.randomMatrix(160, 40, 9);
  for (const backend of ['cpu', 'wasm'] as const) {
    test(`euclidean and squared euclidean agree with the definition on ${backend}`, async () => {
      await initBackend(backend);
      for (const spec of [{ type: 'euclidean', normalize: false }, { type: 'squaredEuclidean', normalize: false }] as DistanceSpec[]) {
        const distance = createDistance(spec);
        const reference = spec.type === 'euclidean' ? ref.euclid : ref.sqEuclid;
        const [cross, self, grad] = tf.tidy(() => {
          const a = tf.tensor2d(big);
          const g = tf.grad((t: tf.Tensor) => tf.sum(distance.pairwise(t as tf.Tensor2D)))(a);
          return [distance.pairwise(a, tf.tensor2d(other)).dataSync(), distance.pairwise(a).dataSync(), g.dataSync()];
        });
        assertClose(`${spec.type} cross`, cross, reference(big, other), false);
        assertClose(`${spec.type} self`, self, reference(big, big), false);
        for (let i = 0; i < big.length; i++) assert.equal(self[i * big.length + i], 0, 'exact zero diagonal');
        assert.ok(Array.from(grad).every(Number.isFinite), 'finite gradients with the diagonal weighted');
      }
    });
  }
});

describe('distance registry', () => {
  test('every schema distance type has an implementation', () => {
    assert.deepEqual([...distanceTypes].sort(), ['cosine', 'dot', 'euclidean', 'jensenShannon', 'kl', 'manhattan', 'squaredEuclidean', 'wasserstein']);
  });
  test('an unknown type names the valid ones', () => {
    assert.throws(() => createDistance({ type: 'hamming' } as unknown as DistanceSpec), /Unknown distance type "hamming".*euclidean/);
  });
  test('a non-positive temperature is rejected', () => {
    assert.throws(() => createDistance({ type: 'kl', temperature: 0 }), /temperature must be > 0/);
  });
});
