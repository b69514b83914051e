import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearTicks, logTicks, niceStep, formatNumber, formatValue } from '../../../webview/shared/ticks';

test('nice steps are 1, 2 or 5 times a power of ten', () => {
  assert.equal(niceStep(0.13), 0.2);
  assert.equal(niceStep(3), 5);
  assert.equal(niceStep(7), 10);
  assert.equal(niceStep(1000), 1000);
});

test('linear ticks cover the range with round labels and no float noise', () => {
  const ticks = linearTicks(0, 1, 5);
  assert.deepEqual(ticks.map((t) => t.label), ['0', '0.2', '0.4', '0.6', '0.8', '1']);
  const shifted = linearTicks(0.1, 0.7, 6);
  assert.deepEqual(shifted.map((t) => t.value), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
});

test('large step counts read as thousands', () => {
  const labels = linearTicks(0, 100_000, 5).map((t) => t.label);
  assert.deepEqual(labels, ['0', '20k', '40k', '60k', '80k', '100k']);
});

test('a flat range still gets one tick', () => {
  assert.equal(linearTicks(2, 2, 5).length, 1);
});

test('log ticks are powers of ten across many decades', () => {
  const ticks = logTicks(0.001, 10, 5);
  assert.deepEqual(ticks.map((t) => t.value), [0.001, 0.01, 0.1, 1, 10]);
  assert.deepEqual(ticks.map((t) => t.label), ['0.001', '0.01', '0.1', '1', '10']);
});

test('log ticks within one decade include 2, 3, 5 and 7', () => {
  const values = logTicks(1, 10, 5).map((t) => t.value);
  assert.deepEqual(values, [1, 2, 3, 5, 7, 10]);
});

test('a range just under one decade that straddles a power of ten still gets subdivisions', () => {
  assert.deepEqual(logTicks(0.205, 1.01, 4).map((t) => t.value), [0.3, 0.5, 0.7, 1]);
});

test('log ticks refuse non-positive ranges', () => {
  assert.deepEqual(logTicks(0, 10, 5), []);
});

test('number formatting', () => {
  assert.equal(formatNumber(1e-6, 1e-6), '1e-6');
  assert.equal(formatValue(0.123456), '0.1235');
  assert.equal(formatValue(1234567), '1.235e6');
});
