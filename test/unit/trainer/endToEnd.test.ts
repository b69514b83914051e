import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../../../server/contrastive/backend';
import { readEmbeddings, readProjection } from '../../../server/runs/embeddings';
import type { EvalMetric, MetricLine, RunEvent } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { listRuns } from '../../../server/runs/list';
import { runPaths } from '../../../server/runs/paths';
import { readRunRecord } from '../../../server/runs/record';
import { exportProjector } from '../../../server/trainer/exportProjector';
import { findNeighbors } from '../../../server/trainer/neighbors';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, TINY_SPEC, writeSpec } from './helpers';

test('a tiny run writes every file of the run directory', async () => {
  const dir = tempDir('e2e');
  const { path, spec, text } = writeSpec(dir, TINY_SPEC);
  const outcome = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'runs') }, { mode: 'silent', backend: 'cpu', stop: manualStop(), umap: true });
  assert.equal(outcome.status, 'completed', JSON.stringify(outcome.record.error));
  const p = runPaths(outcome.runDir);

  const record = readRunRecord(outcome.runDir);
  assert.equal(record.status, 'completed');
  assert.equal(record.pid, null);
  assert.equal(record.backend, 'cpu');
  assert.equal(record.seed, 7);
  assert.equal(record.epochs, 2);
  assert.equal(record.stepsPerEpoch, 4); // 240 training digits / batch 60
  assert.equal(record.step, 8);
  assert.match(record.specHash, /^[0-9a-f]{64}$/);
  assert.ok(record.startedAt !== null && record.endedAt !== null);
  assert.equal(record.lastCheckpoint, 'checkpoints/step-00000008');

  assert.deepEqual(JSON.parse(readFileSync(p.specJson, 'utf8')), JSON.parse(JSON.stringify(spec)));

  const metrics = readJsonLines<MetricLine>(p.metrics);
  assert.deepEqual(metrics.damaged, []);
  const steps = metrics.lines.filter((l) => l.kind === 'step');
  assert.deepEqual(steps.map((s) => s.step), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(steps.map((s) => s.epoch), [1, 1, 1, 1, 2, 2, 2, 2]);
  for (const s of steps) assert.ok(Number.isFinite(s.loss) && s.lr > 0 && s.samplesPerSec > 0 && s.time >= 0);
  assert.ok(steps[7]!.lr < steps[0]!.lr, 'the cosine schedule lowers the learning rate');
  const evals = metrics.lines.filter((l): l is EvalMetric => l.kind === 'eval');
  assert.deepEqual(evals.map((e) => e.epoch), [1, 2]);
  const last = evals[1]!;
  assert.ok(last.knnAccuracy !== null && last.knnAccuracy > 0.3, `kNN accuracy ${last.knnAccuracy} beats chance (0.1)`);
  assert.ok(last.linearProbeAccuracy !== null && last.precisionAt1 !== null && last.mapAtR !== null && last.recallAtK !== null);
  assert.ok(last.collapseStd > 0 && last.collapseHealthyStd > 0);
  assert.equal(record.bestKnnAccuracy, Math.max(evals[0]!.knnAccuracy!, last.knnAccuracy));

  const events = readJsonLines<RunEvent>(p.events).lines.map((e) => e.event);
  for (const e of ['backend', 'data', 'started', 'epoch', 'checkpoint', 'embeddings', 'completed'] as const) assert.ok(events.includes(e), `events.jsonl has ${e}`);

  const checkpoints = readdirSync(p.checkpoints);
  assert.deepEqual(checkpoints, ['step-00000004', 'step-00000008']);
  for (const f of ['tensors.bin', 'manifest.json', 'state.json']) assert.ok(statSync(join(p.checkpoints, 'step-00000008', f)).size > 0);

  const embeddings = readEmbeddings(outcome.runDir);
  assert.equal(embeddings.meta.count, 300);
  assert.equal(embeddings.meta.dim, 16);
  assert.equal(embeddings.meta.layer, 'representation');
  assert.equal(embeddings.vectors.length, 300 * 16);
  assert.ok(embeddings.vectors.every(Number.isFinite));
  assert.equal(embeddings.samples.split.filter((s) => s === 'test').length, 60);
  assert.equal(embeddings.samples.ids.length, 300);
  assert.equal(readProjection(outcome.runDir, 'pca')!.length, 600);
  assert.equal(readProjection(outcome.runDir, 'umap')!.length, 600);
  assert.deepEqual(embeddings.meta.sprite, { file: 'sprite.png', thumbWidth: 28, thumbHeight: 28, columns: 18, rows: 17 });
  assert.deepEqual([...readFileSync(p.sprite).subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');

  // The same directory serves list, neighbours and the projector export.
  const { runs } = listRuns(join(dir, 'runs'));
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.status, 'completed');
  await initBackend('cpu');
  const near = findNeighbors(outcome.runDir, 0, 5);
  assert.equal(near.neighbors.length, 5);
  assert.ok(near.neighbors.every((n) => n.index !== 0));
  const out = join(dir, 'projector');
  await exportProjector(outcome.runDir, out);
  const tsv = readFileSync(join(out, 'tensors.tsv'), 'utf8').trim().split('\n');
  assert.equal(tsv.length, 300);
  assert.equal(tsv[0]!.split('\t').length, 16);
  assert.equal(readFileSync(join(out, 'metadata.tsv'), 'utf8').trim().split('\n').length, 301);
  assert.ok(existsSync(join(out, 'sprite.png')) && existsSync(join(out, 'projector_config.pbtxt')));
});
