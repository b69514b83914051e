import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colourScheme, projectionNeighbours, RAMP_STEPS } from '../../../webview/map/columns';
import { insidePolygon, pointsInPolygon } from '../../../webview/map/glScatter';

test('a category column colours by its codes and counts each category', () => {
  const s = colourScheme({ name: 'label', kind: 'category', names: ['a', 'b', 'c'], codes: Uint16Array.from([0, 2, 2, 1, 2]) });
  assert.deepEqual(s.categories, [{ name: 'a', count: 1 }, { name: 'b', count: 1 }, { name: 'c', count: 3 }]);
  assert.equal(s.range, null);
  assert.deepEqual(Array.from(s.codes), [0, 2, 2, 1, 2]);
});

test('more than 256 categories share an "other" colour', () => {
  const names = Array.from({ length: 300 }, (_, i) => `c${i}`);
  const s = colourScheme({ name: 'id', kind: 'category', names, codes: Uint16Array.from([0, 254, 255, 299]) });
  assert.equal(s.categories.length, 256);
  assert.equal(s.categories[255]!.name, '(45 other values)');
  assert.deepEqual(Array.from(s.codes), [0, 254, 255, 255]);
  assert.equal(s.categories[255]!.count, 2);
});

test('a number column becomes ramp steps from its smallest to its largest finite value', () => {
  const s = colourScheme({ name: 'confidence', kind: 'number', values: Float32Array.from([0, 0.5, 1, NaN, 0.25]) });
  assert.deepEqual(s.range, { min: 0, max: 1 });
  assert.deepEqual(Array.from(s.codes), [0, RAMP_STEPS / 2, RAMP_STEPS - 1, 0, RAMP_STEPS / 4]);
});

test('neighbours on the picture are the nearest visible points in 2-D', () => {
  const xy = Float32Array.from([0, 0, 1, 0, 0, 2, 5, 5, 0.5, 0]);
  assert.deepEqual(projectionNeighbours(xy, 0, 2, () => true).map((n) => n.index), [4, 1]);
  assert.deepEqual(projectionNeighbours(xy, 0, 2, (i) => i !== 4).map((n) => n.index), [1, 2]);
});

test('a lasso selects the visible points inside its polygon', () => {
  const square = [0, 0, 2, 0, 2, 2, 0, 2];
  assert.ok(insidePolygon(square, 1, 1));
  assert.ok(!insidePolygon(square, 3, 1));
  const xy = Float32Array.from([1, 1, 3, 1, 0.5, 1.5, 1.9, 0.1]);
  const codes = Uint16Array.from([0, 0, 1, 0]);
  assert.deepEqual(Array.from(pointsInPolygon(xy, codes, () => true, square)), [0, 2, 3]);
  assert.deepEqual(Array.from(pointsInPolygon(xy, codes, (c) => c !== 1, square)), [0, 3]);
});
