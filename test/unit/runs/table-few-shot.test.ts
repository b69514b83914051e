// The runs table (contrastive-lab runs and the editor's experiments table) shows the last
// evaluation's few-shot figures and label-efficiency points as result columns the filter
// language can name, ordered by ways, shots and fraction.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricLine } from '../../../server/runs/format';
import { applyFilters, parseFilter } from '../../../server/runs/table/filter';
import { loadRows } from '../../../server/runs/table/load';
import { buildView, columnKeys } from '../../../server/runs/table/view';
import { evaluation, spec, step, tempRoot, writeRun } from './tableFixtures';

function withFewShot(epoch: number, oneShot: number, curve: boolean): MetricLine {
  return {
    ...(evaluation(epoch, 0.9) as Extract<MetricLine, { kind: 'eval' }>),
    fewShot: { '5way-5shot': { accuracy: oneShot + 0.2, ci95: 0.01, episodes: 600 }, '5way-1shot': { accuracy: oneShot, ci95: 0.01, episodes: 600 } },
    labelEfficiency: curve ? [{ fraction: 0.01, labels: 80, linearProbe: 0.75, knn: 0.74 }, { fraction: 1, labels: 8000, linearProbe: 0.92, knn: 0.91 }] : null,
  };
}

test('few-shot and label-efficiency result columns: the last figures, readable titles, usable in filters', () => {
  const root = tempRoot();
  writeRun(root, { id: 'a', createdAt: '2026-01-01T00:00:00.000Z', spec: spec(0.1, 'mlp'), metrics: [step(1, 3), withFewShot(1, 0.5, false), step(2, 2), withFewShot(2, 0.55, true)] });
  writeRun(root, { id: 'b', createdAt: '2026-01-02T00:00:00.000Z', spec: spec(0.5, 'mlp'), metrics: [step(1, 3), evaluation(1, 0.8)] });
  const { rows } = loadRows([root]);
  const [b, a] = rows.map((r) => r.cells);
  assert.equal(a!.get('fewshot.5way.1shot'), 0.55);
  assert.ok(Math.abs((a!.get('fewshot.5way.5shot') as number) - 0.75) < 1e-12);
  assert.equal(a!.get('linear@1pct'), 0.75);
  assert.equal(a!.get('knn@100pct'), 0.91);
  assert.equal(b!.get('fewshot.5way.1shot'), undefined);
  const view = buildView(rows, { allColumns: true });
  const shown = view.columns.filter((c) => c.key.startsWith('fewshot') || c.key.includes('pct'));
  assert.deepEqual(shown.map((c) => [c.key, c.title]), [
    ['fewshot.5way.1shot', '5w 1s'], ['fewshot.5way.5shot', '5w 5s'],
    ['linear@1pct', 'probe 1%'], ['knn@1pct', 'kNN 1%'], ['linear@100pct', 'probe 100%'], ['knn@100pct', 'kNN 100%'],
  ]);
  assert.ok(shown.every((c) => c.kind === 'result' && c.format === 'percent' && c.higherIsBetter === true));
  const ids = (filter: string) => applyFilters(rows, parseFilter(filter, columnKeys(rows))).map((r) => r.cells.get('id'));
  assert.deepEqual(ids('fewshot.5way.1shot > 50%'), ['a']);
  assert.deepEqual(ids('linear@1pct >= 0.7'), ['a']);
});
