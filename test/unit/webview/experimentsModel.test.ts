// The experiments page's pure logic: the rendered window of a long table, header-click sorting,
// and the row selection under mouse and keyboard.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RowSelection, parseTags, sortMark, toggleSort, visibleWindow } from '../../../webview/experiments/model';

test('only the rows in view (and a margin) are rendered, whatever the table length', () => {
  assert.deepEqual(visibleWindow(0, 520, 26, 2000), { start: 0, end: 30 });
  assert.deepEqual(visibleWindow(26 * 1000, 520, 26, 2000), { start: 990, end: 1030 });
  assert.deepEqual(visibleWindow(26 * 1995, 520, 26, 2000), { start: 1985, end: 2000 });
  assert.deepEqual(visibleWindow(0, 520, 26, 0), { start: 0, end: 0 });
});

test('a header click sorts ascending, then descending, then not; shift adds keys', () => {
  let sort = toggleSort([], 'knn', false);
  assert.deepEqual(sort, [{ column: 'knn', descending: false }]);
  sort = toggleSort(sort, 'knn', false);
  assert.deepEqual(sort, [{ column: 'knn', descending: true }]);
  assert.deepEqual(toggleSort(sort, 'knn', false), []);
  sort = toggleSort(sort, 'loss.temperature', true);
  assert.deepEqual(sort, [{ column: 'knn', descending: true }, { column: 'loss.temperature', descending: false }]);
  assert.equal(sortMark(sort, 'knn'), '1↓');
  assert.equal(sortMark(sort, 'loss.temperature'), '2↑');
  assert.deepEqual(toggleSort(toggleSort(sort, 'loss.temperature', true), 'loss.temperature', true), [{ column: 'knn', descending: true }]);
  assert.deepEqual(toggleSort(sort, 'name', false), [{ column: 'name', descending: false }]);
  assert.equal(sortMark([{ column: 'knn', descending: false }], 'knn'), '↑');
});

test('selection: click, ctrl-click, shift-click, arrows with shift, and it survives new rows', () => {
  const s = new RowSelection(['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(s.targets(), []);
  s.click(1, { shift: false, toggle: false });
  s.click(3, { shift: true, toggle: false });
  assert.deepEqual(s.selected(), ['b', 'c', 'd']);
  s.click(2, { shift: false, toggle: true });
  assert.deepEqual(s.selected(), ['b', 'd']);
  s.click(0, { shift: false, toggle: false });
  s.move(2, true);
  assert.deepEqual(s.selected(), ['a', 'b', 'c']);
  assert.equal(s.active, 2);
  s.move(1, false);
  assert.deepEqual(s.selected(), ['d']);
  s.toggleActive();
  assert.deepEqual(s.targets(), ['d'], 'with nothing selected, actions apply to the active row');
  s.selectAll();
  assert.equal(s.selected().length, 5);
  s.click(3, { shift: false, toggle: false });
  s.setRows(['d', 'x', 'a']);
  assert.equal(s.active, 0, 'the active run keeps the cursor after a re-sort');
  assert.deepEqual(s.selected(), ['d']);
  s.setRows(['x']);
  assert.deepEqual(s.selected(), []);
  assert.equal(s.active, 0);
  s.move(-5, false);
  assert.deepEqual(s.selected(), ['x']);
});

test('tags typed as text: comma-separated, trimmed, no empty or repeated ones', () => {
  assert.deepEqual(parseTags(' baseline, temp ,, baseline,'), ['baseline', 'temp']);
  assert.deepEqual(parseTags(''), []);
});
