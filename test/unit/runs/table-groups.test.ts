// Grouping the runs table by sweep: where each group sits under the sort, what it counts, its best
// value, how filters thin or remove it, the paths it varies; the terminal's grouped table and JSON;
// and the editor's table message (consecutive rows, the groups, the toggle).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tableMessage } from '../../../extension/panels/experimentsTable';
import { groupBySweep, type SweepGroup, type TableItem } from '../../../server/runs/table/groups';
import { loadRows } from '../../../server/runs/table/load';
import { viewAsGroupedText, viewAsJson } from '../../../server/runs/table/output';
import { buildView, parseViewQuery } from '../../../server/runs/table/view';
import { DEFAULT_LAYOUT, parseExperimentsMessage } from '../../../webview/experiments/protocol';
import { evaluation, spec, step, tempRoot, writeRun } from './tableFixtures';

const TEMP_SWEEP = '20260101-000000-temperature';
const BACKBONE_SWEEP = '20260101-000000-backbone';

/** A temperature sweep of 3 (one queued), a backbone sweep of 2 (one failed; old children whose spec.json has no sweep block) and one run of no sweep. */
function sweepRuns(): ReturnType<typeof loadRows>['rows'] {
  const root = tempRoot('cl-groups-');
  const child = (id: string, day: number, temperature: number, backbone: string, sweepId: string, index: number, knn: number | null, status: 'completed' | 'queued' | 'failed', sweepBlock: boolean) => writeRun(root, {
    id,
    createdAt: `2026-01-0${day}T00:00:00.000Z`,
    spec: spec(temperature, backbone, sweepBlock ? { sweep: { strategy: 'grid', parameters: { 'loss.temperature': { values: [0.1, 0.2, 0.5] } }, trial: { sweepId, index, assignment: { 'loss.temperature': temperature } } } } : {}),
    metrics: knn === null ? [] : [step(1, 2), evaluation(1, knn)],
    record: { status, specPath: '/specs/simclr.contrastive.yaml', sweep: { id: sweepId, index }, ...(status === 'queued' ? { startedAt: null, endedAt: null } : {}) },
  });
  child('t1', 1, 0.1, 'mlp', TEMP_SWEEP, 0, 0.7, 'completed', true);
  child('t2', 2, 0.5, 'mlp', TEMP_SWEEP, 1, 0.9, 'completed', true);
  child('b1', 3, 0.1, 'convnet', BACKBONE_SWEEP, 0, 0.8, 'completed', false);
  child('b2', 4, 0.1, 'mlp', BACKBONE_SWEEP, 1, null, 'failed', false);
  child('t3', 5, 0.2, 'mlp', TEMP_SWEEP, 2, null, 'queued', true);
  writeRun(root, { id: 'x', createdAt: '2026-01-06T00:00:00.000Z', spec: spec(0.3, 'mlp'), metrics: [step(1, 2), evaluation(1, 0.85)] });
  return loadRows([root]).rows.map((r) => ({ ...r, key: r.cells.get('id') as string }));
}

function grouped(filters: string[], sort: string | undefined): TableItem[] {
  const rows = sweepRuns();
  const query = parseViewQuery(rows, filters, sort);
  return groupBySweep(buildView(rows, query).rows, rows, query.sort);
}

/** Items as `x` for a lone run and `sweepId[run run …]` for a group. */
const shape = (items: readonly TableItem[]): string[] => items.map((item) => (item.kind === 'run' ? item.row.key : `${item.group.id}[${item.group.rows.map((r) => r.key).join(' ')}]`));
const groupOf = (items: readonly TableItem[], id: string): SweepGroup | undefined => items.flatMap((i) => (i.kind === 'group' && i.group.id === id ? [i.group] : []))[0];

describe('grouping the runs table by sweep', () => {
  it('unsorted: each sweep sits where its newest run would, its runs newest first; the lone run stays ungrouped', () => {
    assert.deepEqual(shape(grouped([], undefined)), ['x', `${TEMP_SWEEP}[t3 t2 t1]`, `${BACKBONE_SWEEP}[b2 b1]`]);
  });

  it('sorted: a group sits where its best run sorts, its runs in the sort order inside it, and carries that best value', () => {
    const best = grouped([], '-knn');
    assert.deepEqual(shape(best), [`${TEMP_SWEEP}[t2 t1 t3]`, 'x', `${BACKBONE_SWEEP}[b1 b2]`], 'kNN descending: runs without a kNN last in their group');
    assert.deepEqual(groupOf(best, TEMP_SWEEP)!.best, { column: 'knn', descending: true, value: 0.9 });
    assert.deepEqual(groupOf(best, BACKBONE_SWEEP)!.best, { column: 'knn', descending: true, value: 0.8 });
    const ascending = grouped([], 'knn');
    assert.deepEqual(shape(ascending), [`${TEMP_SWEEP}[t1 t2 t3]`, `${BACKBONE_SWEEP}[b1 b2]`, 'x']);
    assert.equal(groupOf(ascending, TEMP_SWEEP)!.best!.value, 0.7, 'ascending, the group leads with its lowest kNN');
    assert.equal(groupOf(grouped([], undefined), TEMP_SWEEP)!.best, undefined, 'no sort, no best value');
    assert.equal(groupOf(grouped(['status = failed'], '-knn'), BACKBONE_SWEEP)!.best, undefined, 'no run of the group has the value');
  });

  it('counts the shown runs by status, and the sweep\'s size before filtering', () => {
    const items = grouped([], '-knn');
    const temp = groupOf(items, TEMP_SWEEP)!;
    assert.deepEqual(temp.counts, { completed: 2, running: 0, queued: 1, failed: 0, stopped: 0, interrupted: 0 });
    assert.equal(temp.total, 3);
    assert.deepEqual(groupOf(items, BACKBONE_SWEEP)!.counts, { completed: 1, running: 0, queued: 0, failed: 1, stopped: 0, interrupted: 0 });
  });

  it('filters apply within groups: a group shows its runs that pass, and disappears when none does', () => {
    const some = grouped(['knn > 75%'], '-knn');
    assert.deepEqual(shape(some), [`${TEMP_SWEEP}[t2]`, 'x', `${BACKBONE_SWEEP}[b1]`]);
    assert.equal(groupOf(some, TEMP_SWEEP)!.rows.length, 1);
    assert.equal(groupOf(some, TEMP_SWEEP)!.total, 3, 'the header can say "1 of 3 runs"');
    assert.deepEqual(groupOf(some, TEMP_SWEEP)!.counts.completed, 1);
    assert.deepEqual(shape(grouped(['knn > 82%'], '-knn')), [`${TEMP_SWEEP}[t2]`, 'x'], 'every backbone run filtered out: no backbone group');
    assert.deepEqual(shape(grouped(['sweep = null'], undefined)), ['x']);
  });

  it('the swept paths come from the children\'s spec.json, else from what differs between the sweep\'s runs', () => {
    const items = grouped([], undefined);
    assert.deepEqual(groupOf(items, TEMP_SWEEP)!.parameters, ['loss.temperature']);
    assert.deepEqual(groupOf(items, BACKBONE_SWEEP)!.parameters, ['architecture.backbone.type']);
    assert.equal(groupOf(items, TEMP_SWEEP)!.base, '/specs/simclr.contrastive.yaml');
  });

  it('runs --group sweep: each sweep\'s line, then its runs indented; --json lists the groups', () => {
    const rows = sweepRuns();
    const query = parseViewQuery(rows, ['knn > 75%'], '-knn');
    const view = buildView(rows, { ...query, columns: ['name', 'status', 'knn'] });
    const text = viewAsGroupedText(view, groupBySweep(view.rows, rows, query.sort), (p) => p.replace('/specs/', ''));
    assert.equal(text, [
      'run   status        kNN',
      `▾ sweep ${TEMP_SWEEP} · 1 of 3 runs (1 completed) · best kNN↓ 90.00% · varies loss.temperature · base simclr.contrastive.yaml`,
      '  t2  completed  90.00%',
      'x     completed  85.00%',
      `▾ sweep ${BACKBONE_SWEEP} · 1 of 2 runs (1 completed) · best kNN↓ 80.00% · varies architecture.backbone.type · base simclr.contrastive.yaml`,
      '  b1  completed  80.00%',
      '',
    ].join('\n'));
    const json = JSON.parse(viewAsJson(view, groupBySweep(view.rows, rows, query.sort))) as { runs: { sweep?: unknown }[]; groups: { id: string; runs: string[]; total: number; best: unknown }[] };
    assert.deepEqual(json.groups.map((g) => [g.id, g.runs.length, g.total, g.best]), [[TEMP_SWEEP, 1, 3, { column: 'knn', descending: true, value: 0.9 }], [BACKBONE_SWEEP, 1, 2, { column: 'knn', descending: true, value: 0.8 }]]);
    const plain = JSON.parse(viewAsJson(buildView(rows))) as { columns: { key: string }[]; runs: Record<string, unknown>[] };
    assert.ok(plain.columns.some((c) => c.key === 'sweep') && plain.runs.filter((r) => r.sweep === TEMP_SWEEP).length === 3, '--json carries each run\'s sweep id');
  });

  it('the editor\'s table: a group\'s rows consecutive where it sorts, the groups described, grouping off on request', () => {
    const actions = () => ({ canResume: false, canStop: false });
    const layout = { ...DEFAULT_LAYOUT, sort: [{ column: 'knn', descending: true }] };
    const message = tableMessage(sweepRuns(), layout, '/runs', actions);
    assert.deepEqual(message.rows.map((r) => r.key), ['t2', 't1', 't3', 'x', 'b1', 'b2']);
    assert.equal(message.hasSweeps, true);
    assert.deepEqual(message.groups.map((g) => [g.id, g.runKeys, g.total, g.best, g.parameters]), [
      [TEMP_SWEEP, ['t2', 't1', 't3'], 3, 'kNN↓ 90.00%', ['loss.temperature']],
      [BACKBONE_SWEEP, ['b1', 'b2'], 2, 'kNN↓ 80.00%', ['architecture.backbone.type']],
    ]);
    const plotted = tableMessage(sweepRuns(), { ...layout, plot: { kind: 'scatter', x: 'loss.temperature', y: 'knn', colour: '', logX: false, logY: false, axes: [] } }, '/runs', actions);
    assert.deepEqual(plotted.plot.find((c) => c.key === 'knn')!.values, [0.9, 0.7, null, 0.85, 0.8, null], 'the plot\'s values follow the grouped rows');
    const off = tableMessage(sweepRuns(), { ...layout, groupBySweep: false }, '/runs', actions);
    assert.deepEqual(off.rows.map((r) => r.key), ['t2', 'x', 'b1', 't1', 't3', 'b2'], 'ungrouped: the plain sort');
    assert.deepEqual(off.groups, []);
    assert.equal(off.hasSweeps, true, 'the toggle is still offered');
    const none = tableMessage(sweepRuns(), { ...layout, filter: 'sweep = null' }, '/runs', actions);
    assert.equal(none.hasSweeps, false);
    assert.deepEqual(none.groups, []);
  });

  it('the toggle and the collapsed sweeps are checked when the page posts its layout', () => {
    assert.equal(parseExperimentsMessage({ type: 'setLayout', layout: { ...DEFAULT_LAYOUT, groupBySweep: false, collapsed: [TEMP_SWEEP] } }).ok, true);
    assert.deepEqual(parseExperimentsMessage({ type: 'setLayout', layout: { ...DEFAULT_LAYOUT, groupBySweep: 'yes' } }), { ok: false, error: "experiments message 'setLayout': field 'layout': field 'groupBySweep' must be true or false, got a string" });
    assert.match((parseExperimentsMessage({ type: 'setLayout', layout: { ...DEFAULT_LAYOUT, collapsed: [3] } }) as { error: string }).error, /field 'collapsed\[0\]' must be a string/);
  });
});
