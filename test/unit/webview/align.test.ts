import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignCurves, mergeAscending } from '../../../webview/shared/align';

const f64 = (values: number[]): Float64Array => Float64Array.from(values);

test('runs counting the same steps share the x axis and are passed uncopied', () => {
  const long = f64([1, 2, 3, 4]), short = f64([1, 2]);
  const merged = mergeAscending([long, short], [4, 2]);
  assert.deepEqual([...merged.union], [1, 2, 3, 4]);
  assert.deepEqual(merged.prefix, [true, true]);
  const ys = [f64([5, 6, 7, 8]), f64([9, 10])];
  const [x, a, b] = alignCurves(merged, [4, 2], ys, 1, false);
  assert.deepEqual([...x], [1, 2, 3, 4]);
  assert.ok(a instanceof Float64Array && a.buffer === ys[0].buffer);
  // Past the shorter run's end there is no point (undefined), as uPlot expects for alignment gaps.
  assert.equal(b[2], undefined);
  assert.equal(b[1], 10);
});

test('runs with their own x values are merged onto the union, each point at its own x', () => {
  const merged = mergeAscending([f64([0.5, 1, 1.5]), f64([0.4, 1])], [3, 2]);
  assert.deepEqual([...merged.union], [0.4, 0.5, 1, 1.5]);
  assert.deepEqual(merged.prefix, [false, false]);
  const [, a, b] = alignCurves(merged, [3, 2], [f64([10, 11, 12]), f64([20, 21])], 1, false);
  assert.deepEqual([...a], [undefined, 10, 11, 12]);
  assert.deepEqual([...b], [20, undefined, 21, undefined]);
});

test('a value that cannot be drawn leaves a gap (null); on a log axis that includes zero and below', () => {
  const merged = mergeAscending([f64([1, 2, 3])], [3]);
  const [, linear] = alignCurves(merged, [3], [f64([1, Number.NaN, 3])], 1, false);
  assert.deepEqual([...linear], [1, null, 3]);
  const [, log] = alignCurves(merged, [3], [f64([1, 0, -2])], 1, true);
  assert.deepEqual([...log], [1, null, null]);
});

test('raw and smoothed columns of a line share its positions', () => {
  const merged = mergeAscending([f64([2, 4]), f64([1, 2, 3])], [2, 3]);
  const [, raw, smooth] = alignCurves(merged, [2, 3], [f64([1, 2]), f64([1.5, 2.5]), f64([7, 8, 9]), f64([7, 7.5, 8])], 2, false);
  assert.deepEqual([...raw], [undefined, 1, undefined, 2]);
  assert.deepEqual([...smooth], [undefined, 1.5, undefined, 2.5]);
});
