import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunCurves, availableEvalMetrics, bestMetrics, metricsCsv } from '../../../webview/dashboard/model';
import { TrainPoint, EvalPoint } from '../../../webview/protocol';

function trainLines(epochs: number, stepsPerEpoch: number): TrainPoint[] {
  const out: TrainPoint[] = [];
  for (let e = 1; e <= epochs; e++) {
    for (let s = 1; s <= stepsPerEpoch; s++) {
      const step = (e - 1) * stepsPerEpoch + s;
      out.push({ step, epoch: e, time: step * 0.1, loss: 5 / step, lr: 0.01, samplesPerSec: 900 });
    }
  }
  return out;
}

const evalLine = (epoch: number, knn: number): EvalPoint => ({
  step: epoch * 10, epoch, time: epoch, knnAccuracy: knn, linearProbeAccuracy: null, precisionAt1: knn - 0.1,
  recallAtK: { '1': knn, '10': knn + 0.05 }, mapAtR: 0.3, collapseStd: 0.08, collapseHealthyStd: 0.088,
});

test('appends grow the step series and drop lines that go back in time', () => {
  const run = new RunCurves({ id: 'a', name: 'A', status: 'running' });
  run.append(trainLines(1, 10), []);
  run.append([{ step: 3, epoch: 1, time: 0, loss: 9 }], []);
  assert.equal(run.loss('step').length, 10);
  assert.equal(run.train.length, 10);
  run.reset();
  assert.equal(run.loss('step').length, 0);
});

test('epoch axis: the last step of epoch e sits at x = e, where its evaluation is plotted', () => {
  const run = new RunCurves({ id: 'a', name: 'A', status: 'running', stepsPerEpoch: null });
  run.append(trainLines(3, 10), [evalLine(1, 0.5), evalLine(2, 0.7)]);
  assert.equal(run.stepsPerEpoch(), 10);
  const byEpoch = run.loss('epoch');
  assert.equal(byEpoch.xs.at(9), 1);
  assert.equal(byEpoch.xs.at(29), 3);
  assert.ok(Math.abs(byEpoch.xs.at(0) - 0.1) < 1e-12);
  assert.equal(run.evalSeries('epoch', 'knnAccuracy')?.xs.at(1), 2);
  assert.equal(run.evalSeries('step', 'knnAccuracy')?.xs.at(1), 20);
  // Live appends extend the cached epoch series.
  run.append(trainLines(4, 10).slice(30), []);
  assert.equal(run.loss('epoch').length, 40);
  assert.equal(run.loss('epoch').xs.at(39), 4);
});

test('recall@k is expanded per k; null metrics are skipped', () => {
  const run = new RunCurves({ id: 'a', name: 'A', status: 'completed' });
  run.append([], [evalLine(1, 0.5)]);
  assert.deepEqual(availableEvalMetrics([run]), ['knnAccuracy', 'precisionAt1', 'mapAtR', 'collapseStd', 'recall@1', 'recall@10']);
});

test('best metrics report the lowest loss and the highest accuracy with where they happened', () => {
  const a = new RunCurves({ id: 'a', name: 'A', status: 'completed' });
  const b = new RunCurves({ id: 'b', name: 'B', status: 'completed' });
  a.append(trainLines(2, 10), [evalLine(1, 0.6), evalLine(2, 0.55)]);
  b.append(trainLines(1, 10), [evalLine(1, 0.8)]);
  const rows = bestMetrics([a, b]);
  const byLabel = new Map(rows.map((r) => [r.label, r.values]));
  assert.deepEqual(byLabel.get('Lowest loss')?.get('a'), { value: 0.25, where: 'step 20' });
  assert.deepEqual(byLabel.get('Best kNN accuracy')?.get('a'), { value: 0.6, where: 'epoch 1' });
  assert.equal(byLabel.get('Best kNN accuracy')?.get('b')?.value, 0.8);
  assert.equal(byLabel.get('Last collapse std')?.get('a')?.where, 'epoch 2');
});

test('CSV has one row per line with a column per metric', () => {
  const run = new RunCurves({ id: 'r1', name: 'SimCLR, t=0.1', status: 'completed' });
  run.append(trainLines(1, 2), [evalLine(1, 0.5)]);
  const lines = metricsCsv([run]).trimEnd().split('\r\n');
  assert.equal(lines[0], 'run_id,run_name,kind,step,epoch,time,loss,lr,samples_per_sec,knnAccuracy,precisionAt1,mapAtR,collapseStd,recall@1,recall@10');
  assert.equal(lines.length, 4);
  assert.equal(lines[1], 'r1,"SimCLR, t=0.1",train,1,1,0.1,5,0.01,900,,,,,,');
  assert.equal(lines[3], 'r1,"SimCLR, t=0.1",eval,10,1,1,,,,0.5,0.4,0.3,0.08,0.5,0.55');
});
