import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnEnvelope, decimateMinMax, nearestIndex, lowerBound } from '../../../webview/shared/decimate';

function noisyCurve(n: number): { xs: Float64Array; ys: Float64Array } {
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = i;
    ys[i] = Math.exp(-i / n) + 0.1 * Math.sin(i * 12.9898);
  }
  return { xs, ys };
}

test('100,000 points reduce to a few per pixel column', () => {
  const { xs, ys } = noisyCurve(100_000);
  const line = decimateMinMax(xs, ys, xs.length, 0, 99_999, 800);
  assert.ok(line.length <= 800 * 4 + 8, `got ${line.length} points`);
  assert.ok(line.length > 800, `too few points: ${line.length}`);
});

test('spikes survive decimation (min and max of every bucket are kept)', () => {
  const { xs, ys } = noisyCurve(100_000);
  ys[54_321] = 50;
  ys[77_777] = -50;
  const line = decimateMinMax(xs, ys, xs.length, 0, 99_999, 500);
  const kept = Array.from(line.ys.subarray(0, line.length));
  assert.ok(kept.includes(50));
  assert.ok(kept.includes(-50));
});

test('output x stays ascending and includes the first and last points', () => {
  const { xs, ys } = noisyCurve(10_000);
  const line = decimateMinMax(xs, ys, xs.length, 0, 9_999, 100);
  for (let i = 1; i < line.length; i++) assert.ok(line.xs[i] >= line.xs[i - 1]);
  assert.equal(line.xs[0], 0);
  assert.equal(line.xs[line.length - 1], 9_999);
});

test('small series pass through unchanged; NaN values are skipped', () => {
  const line = decimateMinMax([0, 1, 2, 3], [5, Number.NaN, 7, 8], 4, 0, 3, 100);
  assert.deepEqual(Array.from(line.xs.subarray(0, line.length)), [0, 2, 3]);
  assert.deepEqual(Array.from(line.ys.subarray(0, line.length)), [5, 7, 8]);
});

test('a visible window keeps one point beyond each edge', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i * 10);
  const ys = xs.map((x) => x / 10);
  const line = decimateMinMax(xs, ys, 100, 205, 395, 50);
  assert.equal(line.xs[0], 200);
  assert.equal(line.xs[line.length - 1], 400);
});

test('nearestIndex and lowerBound search sorted x', () => {
  const xs = [0, 10, 20, 30];
  assert.equal(lowerBound(xs, 4, 15), 2);
  assert.equal(nearestIndex(xs, 4, 14), 1);
  assert.equal(nearestIndex(xs, 4, 16), 2);
  assert.equal(nearestIndex(xs, 4, -5), 0);
  assert.equal(nearestIndex(xs, 4, 99), 3);
  assert.equal(nearestIndex(xs, 0, 1), -1);
});

test('column envelope keeps each column’s extremes and last value', () => {
  const xs = [0, 1, 2, 3, 4, 5, 6, 7];
  const ys = [5, -1, 3, Number.NaN, 2, 9, 4, 1];
  const env = columnEnvelope(xs, ys, 8, 0, 8, 4);
  assert.deepEqual(Array.from(env.min), [-1, 3, 2, 1]);
  assert.deepEqual(Array.from(env.max), [5, 3, 9, 4]);
  assert.deepEqual(Array.from(env.last), [-1, 3, 9, 1]);
  assert.deepEqual(Array.from(env.lastX), [1, 2, 5, 7]);
});

test('column envelope leaves empty columns as NaN and ignores points outside the range', () => {
  const env = columnEnvelope([0, 10, 20], [1, 2, 3], 3, 5, 25, 4);
  assert.ok(Number.isNaN(env.min[0]));
  assert.equal(env.max[1], 2);
  assert.equal(env.last[3], 3);
});
