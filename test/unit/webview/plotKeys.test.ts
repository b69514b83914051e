// Keyboard movement in the experiments plots (webview/experiments/plotKeys.ts): arrows go to the
// nearest run in that direction, stop at the edge, and step through runs that share a spot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stepLine, stepPoint } from '../../../webview/experiments/plotKeys';

test('scatter: an arrow goes to the nearest point that way, preferring points in line with it', () => {
  const points = [
    { x: 0.5, y: 0.5 }, // 0: the centre
    { x: 0.6, y: 0.9 }, // 1: a little right, far up
    { x: 0.8, y: 0.5 }, // 2: right, in line
    { x: 0.1, y: 0.45 }, // 3: left
    { x: 0.5, y: 0.1 }, // 4: below
  ];
  assert.equal(stepPoint(points, -1, 'up'), 3, 'nothing focused: start at the left-most run');
  assert.equal(stepPoint(points, 0, 'right'), 2, 'the one in line wins over the nearer one far off the line');
  assert.equal(stepPoint(points, 0, 'up'), 1);
  assert.equal(stepPoint(points, 0, 'down'), 4);
  assert.equal(stepPoint(points, 0, 'left'), 3);
  assert.equal(stepPoint(points, 3, 'left'), 3, 'nothing further left: stay');
  assert.equal(stepPoint([], -1, 'left'), -1);
});

test('scatter: runs on the same spot are stepped through in order, both ways', () => {
  const same = [{ x: 0.2, y: 0.2 }, { x: 0.2, y: 0.2 }, { x: 0.2, y: 0.2 }];
  assert.equal(stepPoint(same, 0, 'right'), 1);
  assert.equal(stepPoint(same, 1, 'up'), 2);
  assert.equal(stepPoint(same, 2, 'right'), 2);
});

test('parallel coordinates: lines in the order of the first axis', () => {
  const lines = [{ at: [0.7, 0] }, { at: [0.1, 1] }, { at: [0.4, 0.5] }];
  assert.equal(stepLine(lines, -1, 'down'), 1, 'start at the lowest line');
  assert.equal(stepLine(lines, 1, 'up'), 2);
  assert.equal(stepLine(lines, 2, 'right'), 0);
  assert.equal(stepLine(lines, 0, 'up'), 0, 'the top line stays');
  assert.equal(stepLine(lines, 2, 'down'), 1);
});
