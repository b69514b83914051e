import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discOffsets, fillPixels, parseCanvasColour, stampDiscs } from '../../../webview/shared/pointRaster';

const pixel = (p: Uint8ClampedArray, w: number, x: number, y: number): number[] => Array.from(p.subarray((y * w + x) * 4, (y * w + x) * 4 + 4));

test('canvas-normalised colours parse; other text is refused', () => {
  assert.deepEqual(parseCanvasColour('#3794ff'), { r: 0x37, g: 0x94, b: 0xff });
  assert.deepEqual(parseCanvasColour('rgba(12, 34, 56, 0.5)'), { r: 12, g: 34, b: 56 });
  assert.equal(parseCanvasColour('var(--x)'), null);
});

test('a disc of radius 1 covers the centre and its four neighbours', () => {
  const offsets = discOffsets(1);
  assert.equal(offsets.length / 2, 5);
  assert.equal(discOffsets(2.2).length / 2, 21);
});

test('stamping blends the colour over the background and clips at the edges', () => {
  const w = 6, h = 4;
  const pixels = new Uint8ClampedArray(w * h * 4);
  fillPixels(pixels, { r: 0, g: 0, b: 100 });
  stampDiscs(pixels, w, h, [0, 4], [0, 2], 2, discOffsets(1), { r: 200, g: 100, b: 0 }, 0.5);
  assert.deepEqual(pixel(pixels, w, 0, 0), [100, 50, 50, 255]);
  assert.deepEqual(pixel(pixels, w, 1, 0), [100, 50, 50, 255]);
  assert.deepEqual(pixel(pixels, w, 1, 1), [0, 0, 100, 255], 'diagonal neighbour is outside a radius-1 disc');
  assert.deepEqual(pixel(pixels, w, 5, 2), [100, 50, 50, 255]);
  assert.deepEqual(pixel(pixels, w, 4, 3), [100, 50, 50, 255]);
  // Overlapping points darken/lighten further, as with canvas alpha.
  stampDiscs(pixels, w, h, [0], [0], 1, discOffsets(0.5), { r: 200, g: 100, b: 0 }, 0.5);
  assert.deepEqual(pixel(pixels, w, 0, 0), [150, 75, 25, 255]);
});
