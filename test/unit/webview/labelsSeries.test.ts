import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexLabels } from '../../../webview/shared/labels';
import { Series } from '../../../webview/shared/series';
import { tileOrigin } from '../../../webview/shared/sprite';

test('labels sort numerically and index every sample', () => {
  const index = indexLabels(['10', '2', 'cat', '2', '1']);
  assert.deepEqual(index.names, ['1', '2', '10', 'cat']);
  assert.deepEqual(Array.from(index.of), [2, 1, 3, 1, 0]);
  assert.deepEqual(Array.from(index.counts), [1, 2, 1, 1]);
});

test('series grow past their initial capacity and refuse going back in x', () => {
  const s = new Series();
  for (let i = 0; i < 100_000; i++) s.append(i, i * 2);
  assert.equal(s.length, 100_000);
  assert.equal(s.ys.at(99_999), 199_998);
  assert.equal(s.append(5, 1), false);
  assert.equal(s.append(Number.NaN, 1), false);
  assert.equal(s.length, 100_000);
  s.clear();
  assert.equal(s.length, 0);
});

test('sprite tiles are laid out row-major', () => {
  const sprite = { uri: 'x', thumbWidth: 28, thumbHeight: 28, columns: 10, rows: 3 };
  assert.deepEqual(tileOrigin(sprite, 0), { x: 0, y: 0 });
  assert.deepEqual(tileOrigin(sprite, 13), { x: 84, y: 28 });
  assert.equal(tileOrigin(sprite, 30), null);
  assert.equal(tileOrigin(sprite, -1), null);
});
