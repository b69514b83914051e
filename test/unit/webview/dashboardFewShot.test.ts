// The dashboard's few-shot figures and label-efficiency curve: they become chartable metrics with
// readable titles (and so rows of Best metrics and CSV columns), in a stable order, and the curve
// is the latest evaluation's, sorted by the fraction of labels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunCurves, availableEvalMetrics, bestMetrics, labelEfficiencyCurve, labelPercent, metricTitle, metricsCsv } from '../../../webview/dashboard/model';
import type { EvalPoint } from '../../../webview/protocol';

const curve = [
  { fraction: 1, labels: 8000, linearProbe: 0.92, knn: 0.91 },
  { fraction: 0.01, labels: 81, linearProbe: 0.76, knn: 0.74 },
  { fraction: 0.1, labels: 800, linearProbe: 0.87, knn: 0.85 },
];

const line = (epoch: number, final: boolean): EvalPoint => ({
  step: epoch * 31, epoch, knnAccuracy: 0.9, linearProbeAccuracy: null, precisionAt1: null, recallAtK: null, mapAtR: null, collapseStd: 0.07, collapseHealthyStd: 0.088,
  fewShot: { '5way-5shot': { accuracy: 0.7 + epoch / 100, ci95: 0.006, episodes: 600 }, '5way-1shot': { accuracy: 0.5 + epoch / 100, ci95: 0.008, episodes: 600 }, '10way-1shot': { accuracy: 0.4, ci95: 0.005, episodes: 600 } },
  labelEfficiency: final ? curve : null,
});

test('few-shot figures and label-efficiency points are metrics with readable titles, ordered by ways, shots and fraction', () => {
  const run = new RunCurves({ id: 'a', name: 'A', status: 'completed' });
  run.append([], [line(1, false), line(2, true)]);
  assert.deepEqual(availableEvalMetrics([run]), [
    'knnAccuracy', 'collapseStd',
    'fewshot/5way-1shot', 'fewshot/5way-5shot', 'fewshot/10way-1shot',
    'labels/linear@1%', 'labels/knn@1%', 'labels/linear@10%', 'labels/knn@10%', 'labels/linear@100%', 'labels/knn@100%',
  ]);
  assert.equal(metricTitle('fewshot/5way-1shot'), '5-way 1-shot accuracy');
  assert.equal(metricTitle('labels/linear@1%'), 'Linear probe with 1% of the labels');
  assert.equal(metricTitle('labels/knn@100%'), 'kNN with 100% of the labels');
  assert.deepEqual(run.evalSeries('epoch', 'fewshot/5way-1shot')?.ys.values.subarray(0, 2), Float64Array.from([0.51, 0.52]));
  const best = bestMetrics([run]).find((row) => row.label === 'Best 5-way 5-shot accuracy');
  assert.deepEqual(best?.values.get('a'), { value: 0.72, where: 'epoch 2' });
  assert.match(metricsCsv([run]).split('\n')[0]!, /fewshot\/5way-1shot,.*labels\/knn@100%/);
});

test('the label-efficiency curve is the latest one drawn, by ascending fraction; none without eval.labelEfficiency', () => {
  const run = new RunCurves({ id: 'a', name: 'A', status: 'completed' });
  run.append([], [line(1, false)]);
  assert.equal(labelEfficiencyCurve(run), undefined);
  run.append([], [line(2, true), line(3, false)]);
  const drawn = labelEfficiencyCurve(run)!;
  assert.deepEqual([...drawn.linearProbe.xs.values.subarray(0, drawn.linearProbe.length)], [0.01, 0.1, 1]);
  assert.deepEqual([...drawn.linearProbe.ys.values.subarray(0, 3)], [0.76, 0.87, 0.92]);
  assert.deepEqual([...drawn.knn.ys.values.subarray(0, drawn.knn.length)], [0.74, 0.85, 0.91]);
  assert.deepEqual([0.01, 0.07, 0.5, 1].map(labelPercent), ['1%', '7%', '50%', '100%']);
});
