// The seeded generator: same seed → same stream, state save/restore resumes exactly, and the
// distributions are what their names say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random, derivedRandom } from '../../../server/contrastive/random';

const draw = (r: Random, n: number) => Array.from({ length: n }, () => r.nextUint32());

test('the same seed gives the same stream and different seeds give different streams', () => {
  assert.deepEqual(draw(new Random(7), 20), draw(new Random(7), 20));
  assert.notDeepEqual(draw(new Random(7), 20), draw(new Random(8), 20));
  assert.notDeepEqual(draw(new Random(0), 5), [0, 0, 0, 0, 0]);
});

test('a saved state resumes the exact stream, including a pending normal value', () => {
  const r = new Random(123);
  draw(r, 10);
  r.normal(); // leaves the Box–Muller partner pending
  const saved = JSON.parse(JSON.stringify(r.getState()));
  const expected = [r.normal(), r.nextFloat(), r.nextInt(1000), r.normal()];
  const resumed = Random.fromState(saved);
  assert.deepEqual([resumed.normal(), resumed.nextFloat(), resumed.nextInt(1000), resumed.normal()], expected);
});

test('a corrupted state is refused with a message that says so', () => {
  const r = new Random(1);
  assert.throws(() => r.setState({ words: [0, 0, 0, 0], spareNormal: null }), /all zeros/);
  assert.throws(() => r.setState({ words: [1, 2, -3, 4], spareNormal: null }), /unsigned 32-bit/);
});

test('nextFloat is in [0,1) with mean 1/2; nextInt covers its range evenly; bad bounds are refused', () => {
  const r = new Random(5);
  let sum = 0;
  for (let i = 0; i < 20000; i++) {
    const x = r.nextFloat();
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  assert.ok(Math.abs(sum / 20000 - 0.5) < 0.01);
  const counts = new Array<number>(6).fill(0);
  for (let i = 0; i < 60000; i++) counts[r.nextInt(6)]! += 1;
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 400, `counts ${counts}`);
  assert.throws(() => r.nextInt(0), /positive integer/);
  assert.throws(() => r.nextInt(2.5), /positive integer/);
});

test('normal draws have the requested mean and standard deviation', () => {
  const r = new Random(9);
  const xs = Array.from({ length: 20000 }, () => r.normal(3, 2));
  const mean = xs.reduce((a, b) => a + b) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  assert.ok(Math.abs(mean - 3) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(std - 2) < 0.05, `std ${std}`);
});

test('shuffle returns a reproducible permutation that actually moves items', () => {
  const a = new Random(3).permutation(50);
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(a, new Random(3).permutation(50));
  assert.notDeepEqual(a, Array.from({ length: 50 }, (_, i) => i));
});

test('derived streams are reproducible and independent per name and epoch', () => {
  assert.deepEqual(draw(derivedRandom(1, 'sampler', 0), 5), draw(derivedRandom(1, 'sampler', 0), 5));
  assert.notDeepEqual(draw(derivedRandom(1, 'sampler', 0), 5), draw(derivedRandom(1, 'sampler', 1), 5));
  assert.notDeepEqual(draw(derivedRandom(1, 'sampler', 0), 5), draw(derivedRandom(1, 'augment', 0), 5));
  assert.notDeepEqual(draw(derivedRandom(1, 'a', 12), 5), draw(derivedRandom(1, 'a1', 2), 5));
});
