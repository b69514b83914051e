// "1 epoch", not "1 epochs": counts in the trainer's lines and the rules' messages agree with their nouns.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { plural } from '../../../server/shared/plural';
import type { RunEvent } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { checkSpecText } from '../../../server/spec/check';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, writeSpec } from './helpers';

test('plural: the singular for exactly one', () => {
  assert.equal(plural(1, 'epoch'), '1 epoch');
  assert.equal(plural(0, 'epoch'), '0 epochs');
  assert.equal(plural(2, 'class', 'classes'), '2 classes');
  assert.equal(plural(1, 'class', 'classes'), '1 class');
});

test('a run of 1 epoch × 1 step says so in its started line (and the terminal shows the same text)', async () => {
  const dir = tempDir('plurals');
  const { path, spec, text } = writeSpec(dir, `experiment: one
data:
  source: builtin:digits
  limit: 50
  split: { testFraction: 0.2, seed: 0 }
pairs: { positives: labels, negatives: { type: batch } }
loss: { type: supCon, temperature: 0.1 }
architecture:
  backbone: { type: mlp, layers: [8] }
  representationSize: 8
  projection: { layers: [8] }
strategy: { epochs: 1, batchSize: 40 }
eval: { knn: { k: 5 } }
`);
  const outcome = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'runs') }, { mode: 'silent', backend: 'cpu', stop: manualStop(), umap: false });
  assert.equal(outcome.status, 'completed');
  const events = readJsonLines<RunEvent>(runPaths(outcome.runDir).events).lines;
  const started = events.find((e) => e.event === 'started')!.message;
  assert.match(started, /^training one: 1 epoch × 1 step, batch 40/);
  const data = events.find((e) => e.event === 'data')!.message;
  assert.match(data, /40 train \/ 10 held out, 10 classes$/);
});

test('rule messages: "Warm-up lasts 1 epoch but training only 1 epoch", "only 1 class"', () => {
  const warmup = checkSpecText('experiment: x\nstrategy:\n  epochs: 1\n  schedule: { type: cosine, warmupEpochs: 1 }\n', 'x.contrastive.yaml').problems.find((p) => p.ruleId === 'warmup-too-long');
  assert.match(warmup!.message, /^Warm-up lasts 1 epoch but training only 1 epoch:/);
  const classes = checkSpecText('experiment: x\ndata: { source: v.csv, labelColumn: label }\npairs: { positives: labels, sampler: { type: mPerClass, m: 4 } }\nstrategy: { batchSize: 8 }\n', 'x.contrastive.yaml', {
    fileExists: () => true,
    datasetInfo: () => ({ size: 100, labelled: true, kind: 'vectors', columns: ['a', 'label'], classes: 1 }),
  }).problems.find((p) => p.ruleId === 'm-per-class-too-few-classes');
  assert.match(classes!.message, /the data has only 1 class\. /);
});
