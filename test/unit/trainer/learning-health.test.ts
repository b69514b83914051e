// A run that learned nothing says so: collapsed outputs and chance-level kNN are warning events
// naming the epoch, recorded in run.json; strategy.onCollapse: stop ends a collapsed run as failed;
// non-finite embeddings fail the evaluation instead of printing NaN figures.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../../server/cli/dispatch';
import { collapseVerdict } from '../../../server/contrastive/eval/collapse';
import type { EvalMetric, RunEvent } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { readRunRecord } from '../../../server/runs/record';
import { judgeEvaluation, majorityRate } from '../../../server/trainer/learningHealth';
import { trainNewRun } from '../../../server/trainer/start';
import { TrainingError } from '../../../server/trainer/trainingError';
import { manualStop, tempDir, vectorSpec, writeSpec } from './helpers';

const metric = (epoch: number, knnAccuracy: number | null, std: number): EvalMetric => ({
  kind: 'eval', step: 10, epoch, time: 1, knnAccuracy, linearProbeAccuracy: null, precisionAt1: null, recallAtK: null, mapAtR: null, collapseStd: std, collapseHealthyStd: 0.125,
});

test('the verdict of an evaluation: collapsed, chance level, healthy, or a failure for NaN', () => {
  assert.equal(majorityRate([0, 1, 1, 2]), 0.5);
  const collapsed = judgeEvaluation(metric(3, 0.9, 0.001), collapseVerdict(0.001, 64), 0.1);
  assert.equal(collapsed.state, 'collapsed');
  assert.match(collapsed.message, /^epoch 3: Representation collapse/);
  const chance = judgeEvaluation(metric(2, 0.12, 0.1), collapseVerdict(0.1, 64), 0.1);
  assert.equal(chance.state, 'chance');
  assert.match(chance.message, /^epoch 2: kNN accuracy 12\.00% is at chance level \(always answering the most common class scores 10\.00%\)/);
  assert.equal(judgeEvaluation(metric(2, 0.9, 0.1), collapseVerdict(0.1, 64), 0.1).state, 'healthy');
  assert.throws(() => judgeEvaluation(metric(4, 0.1, NaN), collapseVerdict(NaN, 64), 0.1), (e: unknown) => e instanceof TrainingError && e.where === 'evaluation after epoch 4' && /NaN or Inf/.test(e.message));
});

/** 160 rows of 6 features with labels that carry no information (or constant features: collapse). */
function csv(dir: string, constant: boolean): string {
  const rows = ['a,b,c,d,e,f,label'];
  let s = 12345;
  const next = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < 160; i++) rows.push([...Array.from({ length: 6 }, () => (constant ? 0.5 : next()).toFixed(4)), String(Math.floor(next() * 4))].join(','));
  const path = join(dir, constant ? 'constant.csv' : 'noise.csv');
  writeFileSync(path, rows.join('\n'));
  return path;
}

const spec = (source: string, onCollapse: string): string =>
  vectorSpec(source, { experiment: 'nothing-to-learn', hidden: 16, representationSize: 8, optimizer: '{ type: adam, learningRate: 0.01 }', epochs: 2, batchSize: 40, strategy: `  onCollapse: ${onCollapse}\n`, eval: '\n  knn: { k: 5, temperature: 0.07 }\n  linearProbe: null' });

const controls = { mode: 'silent' as const, backend: 'cpu' as const, umap: false };

/** `contrastive-lab list <dir>` as the user sees it (stdout). */
async function list(dir: string, ...flags: string[]): Promise<string> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stdout.write;
  try {
    assert.equal(await main(['list', dir, ...flags]), 0);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

test('a chance-level run completes with a warning naming the epoch, and run.json says so', async () => {
  const dir = tempDir('chance');
  const { path, spec: resolved } = writeSpec(dir, spec(csv(dir, false), 'warn'));
  const outcome = await trainNewRun({ spec: resolved, specPath: path, specText: '', outRoot: join(dir, 'runs') }, { ...controls, stop: manualStop() });
  assert.equal(outcome.status, 'completed');
  const events = readJsonLines<RunEvent>(runPaths(outcome.runDir).events).lines;
  const chance = events.filter((e) => e.event === 'chance');
  assert.ok(chance.length >= 1 && chance.every((e) => e.level === 'warning'));
  assert.match(chance.at(-1)!.message, /^epoch 2: kNN accuracy .* is at chance level/);
  const completed = events.find((e) => e.event === 'completed')!;
  assert.equal(completed.level, 'warning');
  assert.match(completed.message, /but it learned nothing useful \(chance-level kNN at epoch 2\)/);
  assert.deepEqual({ state: readRunRecord(outcome.runDir).learning?.state, epoch: readRunRecord(outcome.runDir).learning?.epoch }, { state: 'chance', epoch: 2 });
  const table = await list(join(dir, 'runs'));
  assert.match(table, /completed \(chance-level kNN at epoch 2\)/);
  assert.match(table, /↳ learned nothing useful: epoch 2: kNN accuracy .* is at chance level/);
  assert.equal(JSON.parse((await list(join(dir, 'runs'), '--json')).trim()).learning, 'chance-level kNN at epoch 2');
});

test('strategy.onCollapse: stop ends a collapsed run as failed at the evaluation, naming the epoch', async () => {
  const dir = tempDir('collapse');
  const { path, spec: resolved } = writeSpec(dir, spec(csv(dir, true), 'stop'));
  const outcome = await trainNewRun({ spec: resolved, specPath: path, specText: '', outRoot: join(dir, 'runs') }, { ...controls, stop: manualStop() });
  assert.equal(outcome.status, 'failed');
  const record = readRunRecord(outcome.runDir);
  assert.equal(record.error?.where, 'evaluation after epoch 1');
  assert.match(record.error!.message, /the representation collapsed at epoch 1 and strategy\.onCollapse is "stop"/);
  assert.equal(record.learning?.state, 'collapsed');
  // "The last checkpoint is kept" must be true: the collapsed epoch's weights are saved (finite, and
  // what the user wants to inspect or resume with onCollapse: warn), and run.json counts the epoch.
  assert.match(record.error!.message, /The last checkpoint is kept/);
  assert.notEqual(record.lastCheckpoint, null, 'no checkpoint although the message says one is kept');
  assert.ok(existsSync(join(outcome.runDir, record.lastCheckpoint!)), record.lastCheckpoint!);
  assert.equal(record.epoch, 1);
  const collapse = readJsonLines<RunEvent>(runPaths(outcome.runDir).events).lines.find((e) => e.event === 'collapse');
  assert.match(collapse!.message, /^epoch 1: Representation collapse/);
  assert.match(await list(join(dir, 'runs')), /failed at evaluation after epoch 1: the representation collapsed at epoch 1/);
});

test('with the default onCollapse: warn, a collapsed run trains on and ends completed with a warning', async () => {
  const dir = tempDir('collapse-warn');
  const { path, spec: resolved } = writeSpec(dir, spec(csv(dir, true), 'warn'));
  const outcome = await trainNewRun({ spec: resolved, specPath: path, specText: '', outRoot: join(dir, 'runs') }, { ...controls, stop: manualStop() });
  assert.equal(outcome.status, 'completed');
  const completed = readJsonLines<RunEvent>(runPaths(outcome.runDir).events).lines.find((e) => e.event === 'completed')!;
  assert.equal(completed.level, 'warning');
  assert.match(completed.message, /collapsed at epoch 2/);
});
