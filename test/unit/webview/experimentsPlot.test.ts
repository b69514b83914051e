// The experiments plots' data shaping: which runs a scatter or parallel-coordinates plot draws and
// where, numeric and categorical axes (natural order), log axes (values ≤ 0 left out and counted),
// tick labels as the table reads them, colour by a third column, brushing, the default columns,
// and a plot's pick applied to the table's selection.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RowSelection } from '../../../webview/experiments/model';
import {
  axisTicks, colourOf, defaultAxes, defaultScatter, linesThrough, makeAxis, parallelData, pointsIn, position, scatterData, sequentialColour,
} from '../../../webview/experiments/plotData';
import type { PlotColumn, PlotValue } from '../../../webview/experiments/protocol';

const col = (key: string, values: readonly PlotValue[], format: PlotColumn['format'] = 'plain'): PlotColumn => ({ key, title: key, format, values });
const keys = ['r0', 'r1', 'r2', 'r3', 'r4'];

test('a column of numbers is a numeric axis; any text makes it categorical, in natural order', () => {
  assert.deepEqual(makeAxis(col('t', [0.5, 0.1, null, 0.2, 0.1]), false), { kind: 'numeric', min: 0.1, max: 0.5, log: false, format: 'plain' });
  assert.deepEqual(makeAxis(col('b', ['mlp', 'convnet', null, 'mlp', 'resnet']), false), { kind: 'categorical', categories: ['convnet', 'mlp', 'resnet'] });
  // One text value among numbers: every value is a category, ordered as numbers would be.
  assert.deepEqual(makeAxis(col('m', [10, 2, 'auto', 2, null]), false), { kind: 'categorical', categories: ['2', '10', 'auto'] });
  const axis = makeAxis(col('b', ['mlp', 'convnet', 'resnet']), false);
  assert.deepEqual(['convnet', 'mlp', 'resnet', 'vit'].map((v) => position(axis, v)), [1 / 6, 0.5, 5 / 6, null]);
});

test('a log axis spans the positive values; a value ≤ 0 has no place on it', () => {
  const axis = makeAxis(col('lr', [0.001, 0.01, 0.1, 0, -1]), true);
  assert.deepEqual(axis, { kind: 'numeric', min: 0.001, max: 0.1, log: true, format: 'plain' });
  assert.deepEqual([0.001, 0.01, 0.1, 0, -1].map((v) => position(axis, v)), [0, 0.5, 1, null, null]);
  // Log asked of a column with no positive value: linear, so the runs still show.
  assert.equal((makeAxis(col('x', [0, -2]), true) as { log: boolean }).log, false);
  // Every run at one value: the middle of the axis.
  assert.equal(position(makeAxis(col('x', [3, 3]), false), 3), 0.5);
});

test('ticks read as the table does: percentages for fractions, powers of ten on a log axis, every category', () => {
  const knn = makeAxis(col('knn', [0.62, 0.91], 'percent'), false);
  const labels = axisTicks(knn, 4).map((t) => t.label);
  assert.deepEqual(labels, ['70%', '80%', '90%']);
  assert.ok(axisTicks(knn, 4).every((t) => t.at >= 0 && t.at <= 1));
  assert.deepEqual(axisTicks(makeAxis(col('lr', [0.001, 0.1]), true), 4).map((t) => [t.label, Number(t.at.toFixed(3))]), [['0.001', 0], ['0.002', 0.151], ['0.005', 0.349], ['0.01', 0.5], ['0.02', 0.651], ['0.05', 0.849], ['0.1', 1]]);
  assert.deepEqual(axisTicks(makeAxis(col('b', ['mlp', 'convnet']), false), 4), [{ at: 0.25, label: 'convnet' }, { at: 0.75, label: 'mlp' }]);
});

test('a scatter draws the runs with a value on both axes, at their places, coloured by a third column', () => {
  const x = col('loss.temperature', [0.1, 0.5, 0.3, null, 0.1]);
  const y = col('knn', [0.6, 0.9, 0.7, 0.8, null], 'percent');
  const colour = col('architecture.backbone.type', ['mlp', 'convnet', 'mlp', 'mlp', 'resnet']);
  const data = scatterData(keys, x, y, colour, false, false);
  assert.deepEqual(data.points.map((p) => [p.key, p.row, Number(p.x.toFixed(3)), Number(p.y.toFixed(3))]), [['r0', 0, 0, 0], ['r1', 1, 1, 1], ['r2', 2, 0.5, 0.333]]);
  assert.equal(data.left, 2, 'r3 has no temperature, r4 no kNN');
  assert.deepEqual(data.points.map((p) => p.colour), [{ category: 1 }, { category: 0 }, { category: 1 }]);
  // A numeric colour column: a place on the sequential scale.
  const numeric = scatterData(keys, x, y, col('lr', [0.001, 0.003, 0.002, 1, 1]), false, false);
  assert.deepEqual(numeric.points.map((p) => p.colour), [{ t: 0 }, { t: 0.002 / 0.999 }, { t: 0.001 / 0.999 }]);
  assert.equal(colourOf(null, 1), null);
  assert.equal(sequentialColour(0), 'rgb(68, 1, 84)');
  assert.equal(sequentialColour(1), 'rgb(253, 231, 37)');
  assert.equal(sequentialColour(0.125), 'rgb(64, 42, 112)');
  // Log x leaves out the run at 0 and counts it.
  const logged = scatterData(['a', 'b', 'c'], col('lr', [0, 0.01, 0.1]), col('knn', [0.5, 0.6, 0.7]), null, true, false);
  assert.deepEqual(logged.points.map((p) => [p.key, p.x]), [['b', 0], ['c', 1]]);
  assert.equal(logged.left, 1);
});

test('parallel coordinates draw one line per run with a value on every axis; brushing picks runs', () => {
  const data = parallelData(keys, [col('b', ['mlp', 'convnet', 'mlp', null, 'mlp']), col('t', [0.1, 0.5, 0.3, 0.2, 0.1]), col('knn', [0.6, 0.9, 0.7, 0.8, 0.6], 'percent')]);
  assert.equal(data.axes.length, 3);
  assert.deepEqual(data.lines.map((l) => [l.key, l.at.map((u) => Number(u.toFixed(3)))]), [['r0', [0.75, 0, 0]], ['r1', [0.25, 1, 1]], ['r2', [0.75, 0.5, 0.333]], ['r4', [0.75, 0, 0]]]);
  assert.equal(data.left, 1);
  assert.deepEqual(linesThrough(data.lines, 2, 1, 0.3), ['r1', 'r2']);
  assert.deepEqual(linesThrough(data.lines, 0, 0, 0.5), ['r1']);
  const scatter = scatterData(keys, col('x', [0, 1, 2, 3, 4]), col('y', [0, 1, 2, 3, 4]), null, false, false);
  assert.deepEqual(pointsIn(scatter.points, 0.6, 1, 0.2, 0.2), ['r1', 'r2']);
});

test('a plot opens on the first changed parameter against kNN; parallel axes on every changed parameter and kNN', () => {
  const columns = [
    { key: 'name', kind: 'run', changed: false }, { key: 'training.batchSize', kind: 'param', changed: false }, { key: 'loss.temperature', kind: 'param', changed: true },
    { key: 'optimizer.lr', kind: 'param', changed: true }, { key: 'finalLoss', kind: 'result', changed: false }, { key: 'knn', kind: 'result', changed: false },
  ];
  assert.deepEqual(defaultScatter(columns), { x: 'loss.temperature', y: 'knn' });
  assert.deepEqual(defaultAxes(columns), ['loss.temperature', 'optimizer.lr', 'knn']);
  assert.deepEqual(defaultScatter(columns.filter((c) => c.key !== 'knn' && !c.changed)), { x: 'training.batchSize', y: 'finalLoss' });
});

test('picking in a plot selects those rows: replace, add, toggle; runs no longer shown are ignored', () => {
  const s = new RowSelection(['a', 'b', 'c', 'd']);
  s.click(0, { shift: false, toggle: false });
  s.pick(['c', 'b', 'gone'], 'replace');
  assert.deepEqual(s.selected(), ['b', 'c']);
  assert.equal(s.active, 2, 'the first picked run is the active row');
  s.pick(['d'], 'add');
  assert.deepEqual(s.selected(), ['b', 'c', 'd']);
  s.pick(['b', 'a'], 'toggle');
  assert.deepEqual(s.selected(), ['a', 'c', 'd']);
  s.pick([], 'replace');
  assert.deepEqual(s.selected(), []);
});
