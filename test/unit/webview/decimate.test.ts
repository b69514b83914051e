// Curve decimation (webview/shared/decimate.ts): a 100,000-point curve becomes at most 2 points per
// pixel bucket and keeps its extremes — the global ones and each bucket's — in the order they occur;
// a zoom window gets full resolution and the rest a coarse grid; gaps and absent stretches stay so.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decimateColumn, decimationGrid, trimGrid } from '../../../webview/shared/decimate';

/** A noisy decaying loss with a few spikes and dips, 100k steps. */
function lossCurve(n: number): { xs: Float64Array; ys: Float64Array } {
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let seed = 7;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    xs[i] = i + 1;
    ys[i] = 3 * Math.exp(-i / 20_000) + 0.2 * (seed / 2 ** 32);
  }
  ys[12_345] = 9.5; // a spike
  ys[77_777] = -1.25; // a dip
  return { xs, ys };
}

test('100,000 points on a 1,000-pixel plot become at most 2 per pixel and keep the extremes', () => {
  const width = 1000;
  const { xs, ys } = lossCurve(100_000);
  const grid = decimationGrid(1, 100_000, width);
  const out = decimateColumn(xs, ys, xs.length, grid, false);
  const points = out.filter((v): v is number => typeof v === 'number');
  assert.ok(points.length <= 2 * width, `${points.length} points`);
  assert.ok(points.length >= width, 'every pixel column has its points');
  assert.equal(Math.max(...points), 9.5, 'the spike survives');
  assert.equal(Math.min(...points), -1.25, 'the dip survives');
  // Each bucket keeps exactly its own minimum and maximum, in the order they occur.
  for (const b of [0, 123, 777, 999]) {
    const inBucket: number[] = [];
    for (let i = 0; i < xs.length; i++) if (xs[i]! >= grid.edges[b]! && (xs[i]! < grid.edges[b + 1]! || b === width - 1)) inBucket.push(ys[i]!);
    const lo = Math.min(...inBucket);
    const hi = Math.max(...inBucket);
    const pair = [out[2 * b], out[2 * b + 1]];
    assert.deepEqual([...pair].sort((p, q) => (p as number) - (q as number)), [lo, hi], `bucket ${b}`);
    assert.deepEqual(pair, inBucket.indexOf(lo) <= inBucket.indexOf(hi) ? [lo, hi] : [hi, lo], `bucket ${b}: in order`);
  }
  // The shared x positions lie inside their buckets, ascending.
  for (let j = 1; j < grid.xs.length; j++) assert.ok(grid.xs[j]! > grid.xs[j - 1]!);
});

test('a zoom window is cut at full resolution, the rest coarsely, and the whole range stays reachable', () => {
  const grid = decimationGrid(0, 100_000, 800, { min: 40_000, max: 41_000 });
  const buckets = grid.edges.length - 1;
  assert.equal(buckets, 800 + 2 * 200);
  assert.equal(grid.edges[0], 0);
  assert.equal(grid.edges[buckets], 100_000);
  const inWindow = [...grid.xs].filter((x) => x >= 40_000 && x <= 41_000).length;
  assert.equal(inWindow, 1600, 'two points per pixel inside the window');
  const { xs, ys } = lossCurve(100_000);
  const out = decimateColumn(xs, ys, xs.length, grid, false);
  assert.equal(Math.max(...out.filter((v): v is number => typeof v === 'number')), 9.5, 'the spike outside the window is still there');
});

test('a run with fewer steps leaves the rest of the grid absent (trimmed); a NaN-only bucket is a gap', () => {
  const grid = decimationGrid(0, 1000, 100);
  const xs = Float64Array.from({ length: 500 }, (_, i) => i);
  const ys = Float64Array.from({ length: 500 }, (_, i) => (i >= 100 && i < 110 ? NaN : i));
  const short = decimateColumn(xs, ys, xs.length, grid, false);
  assert.equal(short[2 * 10], null, 'bucket 10 holds only NaN: a gap');
  assert.equal(short[2 * 11], 110);
  assert.equal(short[2 * 60], undefined, 'past the run\'s end: no point');
  const trimmed = trimGrid(grid, [short]);
  assert.equal(trimmed.xs.length, 2 * 50, 'the grid ends where the longest column ends');
  assert.equal(trimmed.columns[0]!.length, 2 * 50);
});

test('on a log axis a bucket keeps its positive extremes; one with none is a gap', () => {
  const grid = decimationGrid(0, 4, 2);
  const xs = Float64Array.from([0, 1, 2, 3]);
  const ys = Float64Array.from([-1, 0.5, 0, -2]);
  assert.deepEqual(decimateColumn(xs, ys, 4, grid, true), [0.5, 0.5, null, null]);
  assert.deepEqual(decimateColumn(xs, ys, 4, grid, false), [-1, 0.5, 0, -2]);
});
