// The experiments table as the host sends it: the layout's filter and sort, "only changed"
// columns plus added ones, hidden and pinned columns, display text, and a filter that does not
// parse (every run stays shown, the problem says where).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orderColumns, tableCsv, tableMessage } from '../../../extension/panels/experimentsTable';
import { loadRows } from '../../../server/runs/table/load';
import { DEFAULT_LAYOUT, checkLayout, parseExperimentsMessage } from '../../../webview/experiments/protocol';
import { tempRoot, threeRuns } from '../runs/tableFixtures';

const actions = (key: string) => ({ canResume: key === 'c', canStop: false });

function rows() {
  const root = tempRoot();
  threeRuns(root);
  return loadRows([root]).rows.map((r) => ({ ...r, key: r.cells.get('id') as string }));
}

test('by default the table shows the changed parameters and the brief results, newest run first', () => {
  const message = tableMessage(rows(), DEFAULT_LAYOUT, '/runs', actions);
  assert.deepEqual(message.columns.map((c) => c.key), ['star', 'name', 'status', 'started', 'tags', 'architecture.backbone.type', 'loss.temperature', 'knn', 'knnBest', 'probe', 'finalLoss', 'wall']);
  assert.deepEqual(message.rows.map((r) => r.key), ['c', 'b', 'a']);
  const b = message.rows[1]!;
  assert.deepEqual(b.cells, ['', 'b', 'completed', '2026-01-02 00:00', '', 'mlp', '0.5', '85.00%', '90.00%', '80.00%', '1', '1:30']);
  assert.equal(message.columns.find((c) => c.key === 'loss.temperature')!.numeric, true);
  assert.equal(message.columns.find((c) => c.key === 'loss.temperature')!.changed, true);
  assert.deepEqual(message.rows.map((r) => [r.key, r.canResume, r.canStop]), [['c', true, false], ['b', false, false], ['a', false, false]]);
  assert.equal(message.total, 3);
  assert.equal(message.problem, null);
  assert.ok(message.available.some((c) => c.key === 'training.batchSize' && !c.changed), 'unchanged parameters can be added');
});

test('the layout sorts, filters, adds (at the end), hides and pins columns (first)', () => {
  const layout = { ...DEFAULT_LAYOUT, sort: [{ column: 'knn', descending: true }], filter: 'status = completed', added: ['training.batchSize'], hidden: ['tags', 'probe'], pinned: ['loss.temperature', 'name'] };
  const message = tableMessage(rows(), layout, '/runs', actions);
  assert.deepEqual(message.rows.map((r) => r.key), ['b', 'a']);
  assert.deepEqual(message.columns.map((c) => c.key), ['loss.temperature', 'name', 'star', 'status', 'started', 'knn', 'knnBest', 'finalLoss', 'wall', 'training.batchSize']);
  const all = tableMessage(rows(), { ...DEFAULT_LAYOUT, onlyChanged: false }, '/runs', actions);
  assert.ok(all.columns.some((c) => c.key === 'pairs.views.strong.1.size'));
  assert.ok(all.columns.some((c) => c.key === 'r@10'));
  assert.match(tableCsv(rows(), layout), /^loss\.temperature,name,star,status,started,knn,knnBest,finalLoss,wall,training\.batchSize\r\n0\.5,b,false,completed,2026-01-02T00:00:00\.000Z,0\.85,0\.9,1,90,64\r\n/);
});

test('a filter that does not parse keeps every run and says where it goes wrong', () => {
  const message = tableMessage(rows(), { ...DEFAULT_LAYOUT, filter: 'knn >' }, '/runs', actions);
  assert.equal(message.rows.length, 3);
  assert.equal(message.problem, 'filter "knn >", at character 6:\n  knn >\n       ^\nexpected a value after ">" — showing all runs');
});

test('what the page posts is checked before the host acts on it', () => {
  assert.equal(parseExperimentsMessage({ type: 'setLayout', layout: DEFAULT_LAYOUT }).ok, true);
  assert.deepEqual(parseExperimentsMessage({ type: 'setLayout', layout: { ...DEFAULT_LAYOUT, sort: [{ column: 'knn' }] } }), { ok: false, error: "experiments message 'setLayout': field 'layout': field 'sort[0]' must be {column: string, descending: boolean}" });
  assert.equal(parseExperimentsMessage({ type: 'annotate', runKey: 'a', star: true, notes: 'x', tags: ['t'] }).ok, true);
  assert.match((parseExperimentsMessage({ type: 'annotate', runKey: 'a', star: 'yes', notes: '', tags: [] }) as { error: string }).error, /field 'star' must be true or false/);
  assert.match((parseExperimentsMessage({ type: 'delete', runKeys: [] }) as { error: string }).error, /at least one run/);
  assert.match((parseExperimentsMessage({ type: 'rm -rf' }) as { error: string }).error, /unknown type "rm -rf"/);
  assert.equal(parseExperimentsMessage({ type: 'rerun', runKeys: ['a', 'b'] }).ok, true);
  assert.equal(parseExperimentsMessage({ type: 'editAndRun', runKey: 'a' }).ok, true);
  assert.match((parseExperimentsMessage({ type: 'editAndRun', runKey: '' }) as { error: string }).error, /runKey/);
  assert.equal(parseExperimentsMessage({ type: 'compareSpecs', runKeys: ['a', 'b', 'c'] }).ok, true);
  assert.match((parseExperimentsMessage({ type: 'compareSpecs', runKeys: ['a'] }) as { error: string }).error, /at least two runs to compare/);
  assert.equal(checkLayout({ ...DEFAULT_LAYOUT, hidden: 'tags' }), "field 'hidden' must be an array of strings, got a string");
});

test('an open plot gets the raw values of its columns for the shown rows, in row order; a closed one none', () => {
  const scatter = { kind: 'scatter' as const, x: 'loss.temperature', y: 'knn', colour: 'architecture.backbone.type', logX: false, logY: true, axes: [] };
  const message = tableMessage(rows(), { ...DEFAULT_LAYOUT, plot: scatter }, '/runs', actions);
  assert.deepEqual(message.rows.map((r) => r.key), ['c', 'b', 'a']);
  assert.deepEqual(message.plot, [
    { key: 'loss.temperature', title: 'loss.temperature', format: 'plain', values: [0.1, 0.5, 0.1] },
    { key: 'knn', title: 'kNN', format: 'percent', values: [null, 0.85, 0.7] },
    { key: 'architecture.backbone.type', title: 'architecture.backbone.type', format: 'plain', values: ['convnet', 'mlp', 'mlp'] },
  ]);
  // Filtered-out runs are not plotted; a list is one categorical value; a column no run has is all null.
  const parallel = { ...scatter, kind: 'parallel' as const, axes: ['architecture.backbone.widths', 'knn', 'no.such'] };
  const filtered = tableMessage(rows(), { ...DEFAULT_LAYOUT, filter: 'status = completed', plot: parallel }, '/runs', actions);
  assert.deepEqual(filtered.plot.map((c) => [c.key, c.values]), [['architecture.backbone.widths', ['[32, 64]', '[32, 64]']], ['knn', [0.85, 0.7]], ['no.such', [null, null]]]);
  assert.deepEqual(tableMessage(rows(), { ...DEFAULT_LAYOUT, plot: { ...scatter, kind: 'none' } }, '/runs', actions).plot, []);
  assert.deepEqual(tableMessage(rows(), DEFAULT_LAYOUT, '/runs', actions).plot, []);
});

test('a stored or posted plot layout is checked; layouts stored before plots existed still load', () => {
  assert.equal(checkLayout(DEFAULT_LAYOUT), null);
  assert.equal(checkLayout({ ...DEFAULT_LAYOUT, plot: { kind: 'parallel', x: '', y: '', colour: '', logX: false, logY: false, axes: ['knn'] } }), null);
  assert.equal(checkLayout({ ...DEFAULT_LAYOUT, plot: { kind: 'pie', x: '', y: '', colour: '', logX: false, logY: false, axes: [] } }), "field 'plot': field 'kind' must be one of none, scatter, parallel, got a string");
  assert.equal(checkLayout({ ...DEFAULT_LAYOUT, plot: { kind: 'scatter', x: 'a', y: 'b', colour: '', logX: 'yes', logY: false, axes: [] } }), "field 'plot': field 'logX' must be true or false, got a string");
});

test('columns come in the order the user dragged them (cells and CSV too); pinned ones still first; new ones after', () => {
  const order = ['knn', 'loss.temperature', 'name', 'no.longer.shown'];
  const message = tableMessage(rows(), { ...DEFAULT_LAYOUT, order, pinned: ['status'] }, '/runs', actions);
  assert.deepEqual(message.columns.map((c) => c.key), ['status', 'knn', 'loss.temperature', 'name', 'star', 'started', 'tags', 'architecture.backbone.type', 'knnBest', 'probe', 'finalLoss', 'wall']);
  assert.deepEqual(message.rows[1]!.cells.slice(0, 4), ['completed', '85.00%', '0.5', 'b']);
  assert.match(tableCsv(rows(), { ...DEFAULT_LAYOUT, order }), /^knn,loss\.temperature,name,star,/);
  assert.deepEqual(orderColumns([{ key: 'a' }, { key: 'b' }, { key: 'c' }], ['c', 'x', 'a']).map((c) => c.key), ['c', 'a', 'b']);
});

test('dragged column widths are checked: pixels within bounds, by column', () => {
  assert.equal(checkLayout({ ...DEFAULT_LAYOUT, order: ['knn'], widths: { knn: 140, 'loss.temperature': 30 } }), null);
  assert.equal(checkLayout({ ...DEFAULT_LAYOUT, widths: { knn: 5 } }), "field 'widths.knn' must be a number of pixels from 30 to 1200, got 5");
  assert.equal(checkLayout({ ...DEFAULT_LAYOUT, widths: ['knn'] }), "field 'widths' must be an object of column widths, got an array");
  assert.equal(checkLayout({ ...DEFAULT_LAYOUT, order: 'knn' }), "field 'order' must be an array of strings, got a string");
});
