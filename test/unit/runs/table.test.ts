// The runs table's model: flattening specs, changed columns, results, filters, sorting and annotations.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { readAnnotations, updateAnnotations } from '../../../server/runs/annotations';
import { runPaths } from '../../../server/runs/paths';
import { RunEntries } from '../../../server/runs/table/entries';
import { FilterError, applyFilters, parseFilter } from '../../../server/runs/table/filter';
import { loadRows } from '../../../server/runs/table/load';
import { parseSort, sortRows } from '../../../server/runs/table/sort';
import { flattenSpec } from '../../../server/runs/table/values';
import { buildView, columnKeys, parseViewQuery } from '../../../server/runs/table/view';
import { summarizeRun } from '../../../server/runs/reader';
import { appendJsonLine } from '../../../server/runs/jsonl';
import { evaluation, step, tempRoot, threeRuns } from './tableFixtures';

test('a spec flattens to dotted paths; plain arrays stay one value, arrays of objects nest by index', () => {
  const flat = flattenSpec({ loss: { type: 'infoNCE', temperature: 0.1 }, augment: [{ type: 'affine', scale: [0.9, 1.1] }], widths: [32, 64], seed: null });
  assert.deepEqual([...flat], [
    ['loss.type', 'infoNCE'], ['loss.temperature', 0.1], ['augment.0.type', 'affine'], ['augment.0.scale', [0.9, 1.1]], ['widths', [32, 64]], ['seed', null],
  ]);
});

test('the default view shows the parameters that differ between the shown runs and the brief results', () => {
  const root = tempRoot();
  threeRuns(root);
  const { rows, problems } = loadRows([root]);
  assert.deepEqual(problems, []);
  assert.deepEqual(rows.map((r) => r.cells.get('id')), ['c', 'b', 'a']);
  const view = buildView(rows);
  const keys = view.columns.map((c) => c.key);
  assert.deepEqual(keys.filter((k) => k.includes('.')), ['architecture.backbone.type', 'loss.temperature']);
  for (const k of ['star', 'name', 'status', 'knn', 'knnBest', 'finalLoss', 'wall']) assert.ok(keys.includes(k), `${k} is shown by default`);
  // Filtering to the two mlp runs: the backbone no longer differs, the temperature does.
  const mlp = buildView(rows, parseViewQuery(rows, ['architecture.backbone.type = mlp'], undefined));
  assert.deepEqual(mlp.columns.filter((c) => c.kind === 'param').map((c) => c.key), ['loss.temperature']);
  assert.equal(mlp.rows.length, 2);
  assert.ok(buildView(rows, { allColumns: true }).columns.some((c) => c.key === 'training.batchSize'));
});

test('results: final and best kNN and probe, P@1, recall@k, MAP@R, final loss, mean samples/s, wall time, backend, status', () => {
  const root = tempRoot();
  threeRuns(root);
  const { rows } = loadRows([root]);
  const [c, b, a] = rows.map((r) => r.cells);
  assert.equal(a!.get('knn'), 0.7);
  assert.equal(a!.get('knnBest'), 0.7);
  assert.equal(b!.get('knn'), 0.85);
  assert.equal(b!.get('knnBest'), 0.9);
  assert.equal(b!.get('probe'), 0.8);
  assert.equal(a!.get('probeBest'), 0.65);
  assert.ok(Math.abs((b!.get('p@1') as number) - 0.8) < 1e-12);
  assert.ok(Math.abs((b!.get('r@10') as number) - 0.9) < 1e-12);
  assert.equal(b!.get('mapAtR'), 0.425);
  assert.equal(a!.get('finalLoss'), 1.5);
  assert.equal(a!.get('samplesPerSec'), 150);
  assert.equal(a!.get('wall'), 90);
  assert.equal(a!.get('backend'), 'wasm');
  assert.equal(a!.get('engine'), 'tfjs', 'a run.json without an engine is a tfjs run');
  assert.equal(c!.get('status'), 'failed');
  assert.equal(c!.get('knn'), undefined);
  const view = buildView(rows, { allColumns: true });
  assert.deepEqual(view.columns.filter((col) => col.key.startsWith('r@')).map((col) => col.key), ['r@1', 'r@10']);
});

test('filters: each operator, percentages, missing values, several clauses', () => {
  const root = tempRoot();
  threeRuns(root);
  const { rows } = loadRows([root]);
  const keys = columnKeys(rows);
  const ids = (filter: string): unknown[] => applyFilters(rows, parseFilter(filter, keys)).map((r) => r.cells.get('id'));
  assert.deepEqual(ids('loss.temperature = 0.1'), ['c', 'a']);
  assert.deepEqual(ids('loss.temperature ≠ 0.1'), ['b']);
  assert.deepEqual(ids('loss.temperature != 0.1'), ['b']);
  assert.deepEqual(ids('knn > 80%'), ['b']);
  assert.deepEqual(ids('knn >= 0.7'), ['b', 'a']);
  assert.deepEqual(ids('knn ≥ 0.7'), ['b', 'a']);
  assert.deepEqual(ids('knn < 0.8'), ['a']);
  assert.deepEqual(ids('knn ≤ 0.7'), ['a']);
  assert.deepEqual(ids('knn = null'), ['c']);
  assert.deepEqual(ids('architecture.backbone.type contains CONV'), ['c']);
  assert.deepEqual(ids('architecture.backbone.widths contains 64'), ['c', 'b', 'a']);
  assert.deepEqual(ids('status = completed and loss.temperature = 0.1'), ['a']);
  assert.deepEqual(ids('status=completed, knn>0.8'), ['b']);
  assert.deepEqual(ids('started > "2026-01-01T12:00"'), ['c', 'b']);
  assert.deepEqual(ids('status = "failed"'), ['c']);
});

test('filter errors name the clause and point at the offending part', () => {
  const keys = ['knn', 'loss.temperature', 'status'];
  const error = (filter: string): FilterError => {
    try {
      parseFilter(filter, keys);
    } catch (e) {
      assert.ok(e instanceof FilterError, String(e));
      return e;
    }
    assert.fail(`"${filter}" parsed`);
  };
  const unknown = error('loss.temprature > 0.1');
  assert.equal(unknown.message, 'filter "loss.temprature > 0.1", at character 1:\n  loss.temprature > 0.1\n  ^^^^^^^^^^^^^^^\nno run has a column "loss.temprature"; did you mean "loss.temperature"?');
  const op = error('knn >> 0.8');
  assert.equal(op.offset, 5);
  assert.match(op.message, /expected a value after ">", found the operator ">"/);
  assert.match(error('knn 0.8').message, /at character 5:\n.*\n.*\nexpected an operator after "knn" \(=, ≠ \(!=\), <, ≤ \(<=\), >, ≥ \(>=\), contains \(~\)\), found "0\.8"/);
  assert.match(error('knn >').message, /expected a value after ">"/);
  assert.match(error('status = "fail').message, /at character 10:\n.*\n.*\nthe string starting here has no closing "/);
  assert.match(error('status = failed knn > 1').message, /at character 17:[^]*\nexpected "and" or "," before the next condition, found "knn"/);
  assert.match(error('knn > 0.5 and').message, /"and" is not followed by a condition/);
  assert.match(error('status < true').message, /"<" orders values; compare true with = or ≠/);
  assert.match(error('   ').message, /the filter is empty/);
});

test('sort by several keys, descending with "-", runs without a value last either way', () => {
  const root = tempRoot();
  threeRuns(root);
  const { rows } = loadRows([root]);
  const keys = columnKeys(rows);
  const order = (text: string): unknown[] => sortRows(rows, parseSort(text, keys)).map((r) => r.cells.get('id'));
  assert.deepEqual(order('knn'), ['a', 'b', 'c']);
  assert.deepEqual(order('-knn'), ['b', 'a', 'c']);
  assert.deepEqual(order('loss.temperature,-architecture.backbone.type'), ['a', 'c', 'b']);
  assert.deepEqual(order('loss.temperature,architecture.backbone.type'), ['c', 'a', 'b']);
  assert.throws(() => parseSort('-knnn', keys), /sort "-knnn": no run has a column "knnn"; did you mean "knn"\?/);
  assert.throws(() => parseSort('knn,,name', keys), /an empty key/);
});

test('star, notes and tags live in the run directory, written atomically, and show in the table', () => {
  const root = tempRoot();
  const { a } = threeRuns(root);
  assert.deepEqual(readAnnotations(a), { star: false, notes: '', tags: [] });
  updateAnnotations(a, { star: true, tags: [' baseline ', 'temp', 'baseline', ''] });
  updateAnnotations(a, { notes: 'first try' });
  assert.deepEqual(readAnnotations(a), { star: true, notes: 'first try', tags: ['baseline', 'temp'] });
  assert.deepEqual(JSON.parse(readFileSync(runPaths(a).annotations, 'utf8')), { formatVersion: 1, star: true, notes: 'first try', tags: ['baseline', 'temp'] });
  const { rows } = loadRows([root]);
  const keys = columnKeys(rows);
  assert.deepEqual(applyFilters(rows, parseFilter('star = true and tags contains base', keys)).map((r) => r.cells.get('id')), ['a']);
  assert.throws(() => updateAnnotations(a, { tags: ['a,b'] }), /tag "a,b" holds a comma/);
  writeFileSync(runPaths(a).annotations, '{"star": "yes"}');
  assert.throws(() => readAnnotations(a), /annotations\.json: "star" must be true or false, got "yes"; fix or delete the file/);
  const damaged = loadRows([root]);
  assert.equal(damaged.rows.length, 3, 'a damaged annotations file does not hide the run');
  assert.match(damaged.problems[0]!, /"star" must be true or false/);
  assert.throws(() => updateAnnotations(root, { star: true }), /not a run directory/);
});

test('a kept RunEntries reads only what was appended: a live run\'s results move on', () => {
  const root = tempRoot();
  const { a } = threeRuns(root);
  const entries = new RunEntries();
  assert.equal(entries.row('a', summarizeRun(a)).cells.get('knn'), 0.7);
  appendJsonLine(runPaths(a).metrics, step(5, 1.2));
  appendJsonLine(runPaths(a).metrics, evaluation(3, 0.75));
  const row = entries.row('a', summarizeRun(a));
  assert.equal(row.cells.get('knn'), 0.75);
  assert.equal(row.cells.get('finalLoss'), 1.2);
  updateAnnotations(a, { star: true });
  assert.equal(entries.row('a', summarizeRun(a)).cells.get('star'), true);
});
