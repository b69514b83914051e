import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smoothEma } from '../../../webview/shared/smoothing';

test('weight 0 leaves the curve unchanged', () => {
  assert.deepEqual([...smoothEma([3, 1, 4, 1, 5], 0)], [3, 1, 4, 1, 5]);
});

test('debiasing: a smoothed curve starts at the first raw value, not near zero', () => {
  const out = smoothEma([10, 10, 10], 0.9);
  for (const v of out) assert.ok(Math.abs(v - 10) < 1e-9, `expected 10, got ${v}`);
});

test('matches the TensorBoard debiased EMA definition', () => {
  const ys = [1, 2, 3, 4];
  const w = 0.6;
  let last = 0;
  const expected = ys.map((y, i) => {
    last = last * w + (1 - w) * y;
    return last / (1 - Math.pow(w, i + 1));
  });
  const out = smoothEma(ys, w);
  expected.forEach((e, i) => assert.ok(Math.abs(out[i] - e) < 1e-12));
  // Smoothing lags a rising curve.
  assert.ok(out[3] < 4 && out[3] > 3);
});

test('NaN points pass through and do not poison later values', () => {
  const out = smoothEma([1, Number.NaN, 1], 0.5);
  assert.ok(Number.isNaN(out[1]));
  assert.ok(Math.abs(out[2] - 1) < 1e-12);
});

test('writes into a provided buffer', () => {
  const buffer = new Float64Array(3);
  const out = smoothEma([2, 2, 2], 0.3, buffer);
  assert.equal(out, buffer);
  assert.ok(Math.abs(buffer[2] - 2) < 1e-12);
});
