// The experiments grid grouped by sweep: the lines drawn (headers, runs, collapsed groups), what a
// header says, the collapsed list the layout keeps, and the selection when a header stands for its runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gridLines, groupKey, groupTitle, lineRuns, MAX_COLLAPSED, toggleCollapsed, type GridLine } from '../../../webview/experiments/groups';
import { RowSelection } from '../../../webview/experiments/model';
import type { GroupInfo, RowInfo } from '../../../webview/experiments/protocol';

const row = (key: string): RowInfo => ({ key, name: key, status: 'completed', star: false, notes: '', tags: [], canResume: false, canStop: false, cells: [key] });
const group = (id: string, runKeys: string[], extra: Partial<GroupInfo> = {}): GroupInfo => ({
  id, base: '/work/specs/simclr.contrastive.yaml', parameters: ['loss.temperature'], runKeys, total: runKeys.length,
  counts: { completed: runKeys.length, running: 0, queued: 0, failed: 0, stopped: 0, interrupted: 0 }, best: null, ...extra,
});

// As the host sends them: lone run x, sweep A's runs a1 a2 a3, lone y, sweep B's b1 b2.
const rows = ['x', 'a1', 'a2', 'a3', 'y', 'b1', 'b2'].map(row);
const groups = [group('A', ['a1', 'a2', 'a3']), group('B', ['b1', 'b2'])];
const shape = (lines: readonly GridLine[]): string[] => lines.map((l) => (l.kind === 'group' ? `[${l.group.id}${l.collapsed ? '+' : '-'}]` : `${l.grouped ? '  ' : ''}${rows[l.row]!.key}`));
const selectable = (lines: readonly GridLine[]) => lines.map((line) => ({ key: line.key, runs: lineRuns(line, rows) }));
const allRuns = rows.map((r) => r.key);

test('lines: a header before each group\'s first run, its runs under it unless collapsed; lone runs as they are', () => {
  assert.deepEqual(shape(gridLines(rows, groups, new Set())), ['x', '[A-]', '  a1', '  a2', '  a3', 'y', '[B-]', '  b1', '  b2']);
  assert.deepEqual(shape(gridLines(rows, groups, new Set(['A']))), ['x', '[A+]', 'y', '[B-]', '  b1', '  b2']);
  assert.deepEqual(shape(gridLines(rows, [], new Set(['A']))), ['x', 'a1', 'a2', 'a3', 'y', 'b1', 'b2'], 'ungrouped: one line per run');
  assert.equal(gridLines(rows, groups, new Set())[1]!.key, groupKey('A'));
});

test('a header says the sweep, its shown runs and their states, its best value, what it varies and its base spec', () => {
  assert.equal(groupTitle(group('A', ['a1', 'a2'], { total: 4, counts: { completed: 1, running: 1, queued: 0, failed: 0, stopped: 0, interrupted: 0 }, best: 'kNN↓ 91.20%' })),
    'sweep A · 2 of 4 runs (1 completed, 1 running) · best kNN↓ 91.20% · varies loss.temperature · base simclr.contrastive.yaml');
  assert.equal(groupTitle(group('B', ['b1'], { parameters: [], base: '' })), 'sweep B · 1 run (1 completed)');
});

test('the collapsed list: collapse adds, expand removes, ids not shown now are kept, bounded', () => {
  assert.deepEqual(toggleCollapsed([], 'A', true), ['A']);
  assert.deepEqual(toggleCollapsed(['A', 'B'], 'A', false), ['B']);
  assert.deepEqual(toggleCollapsed(['gone'], 'A', true), ['gone', 'A'], 'a group filtered out for a while stays collapsed');
  assert.deepEqual(toggleCollapsed(['A'], 'A', true), ['A']);
  const many = Array.from({ length: MAX_COLLAPSED }, (_, i) => `s${i}`);
  const next = toggleCollapsed(many, 'new', true);
  assert.equal(next.length, MAX_COLLAPSED);
  assert.deepEqual([next[0], next.at(-1)], ['s1', 'new'], 'the oldest is forgotten first');
});

test('selection: a header click selects its runs; ctrl toggles them; shift ranges over headers and runs', () => {
  const lines = gridLines(rows, groups, new Set());
  const s = new RowSelection();
  s.setLines(selectable(lines), allRuns);
  s.click(1, { shift: false, toggle: false });
  assert.deepEqual(s.selected(), ['a1', 'a2', 'a3']);
  assert.ok(s.lineSelected(1) && s.lineSelected(2) && !s.lineSelected(0));
  s.click(3, { shift: false, toggle: true });
  assert.deepEqual(s.selected(), ['a1', 'a3']);
  assert.ok(!s.lineSelected(1), 'a header is selected only with all its runs');
  s.click(1, { shift: false, toggle: true });
  assert.deepEqual(s.selected(), ['a1', 'a2', 'a3'], 'ctrl on a partly selected header selects the rest');
  s.click(1, { shift: false, toggle: true });
  assert.deepEqual(s.selected(), []);
  s.click(0, { shift: false, toggle: false });
  s.click(6, { shift: true, toggle: false });
  assert.deepEqual(s.selected(), ['x', 'a1', 'a2', 'a3', 'y', 'b1', 'b2'], 'from x to B\'s header: every run in between and B\'s');
  s.click(6, { shift: false, toggle: false });
  assert.deepEqual(s.targets(), ['b1', 'b2'], 'row actions and the overlay take the header\'s runs');
});

test('selection: a collapsed group\'s runs stay selected, the cursor stays on its header; a run picked in a plot lands on its header', () => {
  const s = new RowSelection();
  s.setLines(selectable(gridLines(rows, groups, new Set())), allRuns);
  s.click(1, { shift: false, toggle: false });
  s.setLines(selectable(gridLines(rows, groups, new Set(['A']))), allRuns);
  assert.deepEqual(s.selected(), ['a1', 'a2', 'a3']);
  assert.equal(s.active, 1, 'the header keeps the cursor');
  assert.ok(s.lineSelected(1));
  s.move(1, false);
  assert.deepEqual(s.selected(), ['y'], 'arrows step over the collapsed runs');
  s.pick(['a2'], 'replace');
  assert.deepEqual(s.selected(), ['a2']);
  assert.equal(s.active, 1, 'a run hidden in a collapsed group: its header becomes the active line');
  s.setLines(selectable(gridLines(rows, groups, new Set())), allRuns);
  s.pick(['b2'], 'replace');
  assert.equal(s.active, 8, 'shown runs are their own line');
  s.selectAll();
  assert.deepEqual(s.selected(), allRuns);
  // A filter drops B's runs: they leave the selection, its header goes.
  const kept = rows.filter((r) => !r.key.startsWith('b'));
  s.setLines(gridLines(kept, [groups[0]!], new Set()).map((line) => ({ key: line.key, runs: lineRuns(line, kept) })), kept.map((r) => r.key));
  assert.deepEqual(s.selected(), ['x', 'a1', 'a2', 'a3', 'y']);
});
