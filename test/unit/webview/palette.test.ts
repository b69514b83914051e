import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extraColour } from '../../../webview/shared/palette';

test('colours beyond the theme’s six are distinct for dozens of labels', () => {
  for (const dark of [true, false]) {
    const colours = Array.from({ length: 40 }, (_, i) => extraColour(i, dark));
    assert.equal(new Set(colours).size, 40);
  }
});

test('extra colours are lighter on dark themes than on light ones', () => {
  const lightness = (c: string): number => Number(/(\d+)%\)$/.exec(c)?.[1]);
  assert.ok(lightness(extraColour(0, true)) > lightness(extraColour(0, false)));
});
