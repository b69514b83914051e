import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GridIndex } from '../../../webview/shared/spatialIndex';

function randomPoints(n: number, seed: number): Float64Array {
  let s = seed;
  const rand = (): number => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const xy = new Float64Array(2 * n);
  for (let i = 0; i < xy.length; i++) xy[i] = rand() * 100 - 50;
  return xy;
}

function bruteNearest(xy: Float64Array, x: number, y: number, r: number, include: (i: number) => boolean): number {
  let best = -1;
  let bestD = r * r;
  for (let i = 0; i < xy.length / 2; i++) {
    if (!include(i)) continue;
    const d = (xy[2 * i] - x) ** 2 + (xy[2 * i + 1] - y) ** 2;
    if (d <= bestD) { bestD = d; best = i; }
  }
  return best;
}

test('nearest agrees with brute force on 20,000 points', () => {
  const xy = randomPoints(20_000, 7);
  const index = new GridIndex(xy);
  const queries = randomPoints(300, 99);
  for (let q = 0; q < 300; q++) {
    const x = queries[2 * q], y = queries[2 * q + 1];
    const got = index.nearest(x, y, 1.5);
    const want = bruteNearest(xy, x, y, 1.5, () => true);
    if (got !== want) {
      // Ties at exactly equal distance may pick a different index; the distance must match.
      const d = (i: number): number => (i < 0 ? -1 : (xy[2 * i] - x) ** 2 + (xy[2 * i + 1] - y) ** 2);
      assert.equal(d(got), d(want), `query ${q}`);
    }
  }
});

test('nothing within the radius returns -1', () => {
  const index = new GridIndex([0, 0, 10, 10]);
  assert.equal(index.nearest(5, 5, 1), -1);
  assert.equal(index.nearest(9.5, 9.8, 1), 1);
  assert.equal(index.nearest(1000, 1000, 5), -1);
});

test('excluded points (hidden labels) are never hit', () => {
  const index = new GridIndex([0, 0, 0.1, 0], (i) => i !== 0);
  assert.equal(index.nearest(0, 0, 1), 1);
});

test('points with non-finite coordinates and coincident points are handled', () => {
  const index = new GridIndex([Number.NaN, 0, 3, 3, 3, 3]);
  assert.ok([1, 2].includes(index.nearest(3, 3, 0.5)));
  assert.equal(index.nearest(0, 0, 0.5), -1);
});
