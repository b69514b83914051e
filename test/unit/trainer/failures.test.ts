import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MetricLine, RunEvent } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { readRunRecord } from '../../../server/runs/record';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, vectorSpec, writeSpec } from './helpers';

const VECTOR_SPEC = (source: string, normalize: 'none' | 'standardize'): string => vectorSpec(source, { normalize });

const controls = { mode: 'silent' as const, backend: 'cpu' as const, umap: false };

test('a NaN loss fails the run with the step, the loss and the likely causes', async () => {
  const dir = tempDir('nan');
  const rows = ['x,y,label'];
  for (let i = 0; i < 40; i++) rows.push(`${i % 2 === 0 ? 3e38 : -3e38},${3e38},${i % 4}`);
  writeFileSync(join(dir, 'huge.csv'), rows.join('\n'));
  const { path, spec, text } = writeSpec(dir, VECTOR_SPEC('huge.csv', 'none'));
  const outcome = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'runs') }, { ...controls, stop: manualStop() });
  assert.equal(outcome.status, 'failed');
  const record = readRunRecord(outcome.runDir);
  assert.equal(record.status, 'failed');
  assert.equal(record.pid, null);
  assert.equal(record.error!.where, 'step 1 (epoch 1)');
  assert.match(record.error!.message, /the loss became (NaN|Infinity|-Infinity) at step 1 \(epoch 1, learning rate 0\.100\)/);
  assert.match(record.error!.message, /strategy\.optimizer\.learningRate.*loss\.temperature/s);
  assert.equal(readJsonLines<MetricLine>(runPaths(outcome.runDir).metrics).lines.length, 0, 'no metric line for the failed step');
  const events = readJsonLines<RunEvent>(runPaths(outcome.runDir).events).lines;
  const nan = events.find((e) => e.event === 'nan');
  assert.equal(nan?.level, 'error');
  assert.equal(nan?.step, 1);
  assert.equal(events.find((e) => e.event === 'failed')?.level, 'error');
});

test('bad data fails the run with the file and line, not a stack trace', async () => {
  const dir = tempDir('baddata');
  writeFileSync(join(dir, 'ragged.csv'), 'x,y,label\n1,2,a\n3,4\n');
  const ragged = writeSpec(dir, VECTOR_SPEC('ragged.csv', 'standardize'), 'ragged.contrastive.yaml');
  const outcome = await trainNewRun({ spec: ragged.spec, specPath: ragged.path, specText: ragged.text, outRoot: join(dir, 'runs') }, { ...controls, stop: manualStop() });
  assert.equal(outcome.status, 'failed');
  const error = readRunRecord(outcome.runDir).error!;
  assert.equal(error.where, `${join(dir, 'ragged.csv')}:3`);
  assert.match(error.message, /2 fields but the header has 3/);
  assert.doesNotMatch(error.message, /\n\s+at /);
});
