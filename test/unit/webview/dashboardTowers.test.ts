// The dashboard's two-tower figures: zero-shot accuracy and cross-modal recall@k both ways become
// chartable metrics with readable titles (rows of Best metrics, CSV columns), a→b before b→a, by k.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunCurves, availableEvalMetrics, bestMetrics, metricTitle, metricsCsv } from '../../../webview/dashboard/model';
import type { EvalPoint } from '../../../webview/protocol';

const line = (epoch: number): EvalPoint => ({
  step: epoch * 62, epoch, knnAccuracy: null, linearProbeAccuracy: null, precisionAt1: null, recallAtK: null, mapAtR: null, collapseStd: 0.11, collapseHealthyStd: 0.125,
  zeroShotAccuracy: 0.9 + epoch / 100,
  crossModalRecallAtK: { aToB: { '1': 0.09, '5': 0.45, '10': 0.9 + epoch / 100 }, bToA: { '1': 0.004, '5': 0.025, '10': 0.05 } },
});

test('zero-shot accuracy and cross-modal recall are metrics, in order, with titles, best values and CSV columns', () => {
  const run = new RunCurves({ id: 't', name: 'Towers', status: 'completed' });
  run.append([], [line(1), line(2)]);
  assert.deepEqual(availableEvalMetrics([run]), [
    'zeroShotAccuracy', 'collapseStd',
    'xrecall/a→b@1', 'xrecall/a→b@5', 'xrecall/a→b@10', 'xrecall/b→a@1', 'xrecall/b→a@5', 'xrecall/b→a@10',
  ]);
  assert.equal(metricTitle('zeroShotAccuracy'), 'Zero-shot accuracy (two towers)');
  assert.equal(metricTitle('xrecall/b→a@10'), 'Cross-modal recall@10 b→a');
  assert.deepEqual(run.evalSeries('epoch', 'xrecall/a→b@10')?.ys.values.subarray(0, 2), Float64Array.from([0.91, 0.92]));
  const best = bestMetrics([run]).find((row) => row.label === 'Best Zero-shot accuracy (two towers)');
  assert.deepEqual(best?.values.get('t'), { value: 0.92, where: 'epoch 2' });
  assert.match(metricsCsv([run]).split('\n')[0]!, /zeroShotAccuracy.*xrecall\/a→b@1/);
});
