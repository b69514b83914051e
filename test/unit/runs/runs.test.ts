import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasEmbeddings, readEmbeddings, readEmbeddingsIndex, readProjection, writeEmbeddings } from '../../../server/runs/embeddings';
import type { RunRecord } from '../../../server/runs/format';
import { appendJsonLine, readJsonLines } from '../../../server/runs/jsonl';
import { listRuns } from '../../../server/runs/list';
import { runPaths } from '../../../server/runs/paths';
import { effectiveStatus, readRunRecord, writeRunRecord } from '../../../server/runs/record';

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function record(change: Partial<RunRecord>): RunRecord {
  return {
    formatVersion: 1, id: 'r1', name: 'r1', experiment: 'e', specPath: '/x.yaml', specHash: 'h', status: 'completed', pid: null,
    hostname: hostname(), backend: 'wasm', seed: 0, epochs: 1, stepsPerEpoch: 10, createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:01:00.000Z', step: 10, epoch: 1, bestKnnAccuracy: null,
    lastCheckpoint: null, error: null, ...change,
  };
}

test('a torn last metrics line is skipped and reported, earlier lines are kept', () => {
  const dir = tempDir('cl-runs-');
  const file = join(dir, 'metrics.jsonl');
  appendJsonLine(file, { kind: 'step', step: 1, loss: 2 });
  appendJsonLine(file, { kind: 'step', step: 2, loss: 1.5 });
  appendFileSync(file, '{"kind":"step","step":3,"lo');
  const read = readJsonLines<{ step: number }>(file);
  assert.deepEqual(read.lines.map((l) => l.step), [1, 2]);
  assert.deepEqual(read.damaged, [3]);
});

test('a running run whose process is gone reads as interrupted; a live one as running', () => {
  const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
  assert.equal(effectiveStatus(record({ status: 'running', pid: dead })), 'interrupted');
  assert.equal(effectiveStatus(record({ status: 'running', pid: process.pid })), 'running');
  assert.equal(effectiveStatus(record({ status: 'running', pid: dead, hostname: 'elsewhere' })), 'running');
  assert.equal(effectiveStatus(record({ status: 'stopped', pid: null })), 'stopped');
});

test('list shows runs newest first with their best kNN accuracy; damaged run.json is skipped with a reason', () => {
  const root = tempDir('cl-list-');
  for (const [id, created, acc] of [['old', '2026-01-01T00:00:00.000Z', 0.5], ['new', '2026-02-01T00:00:00.000Z', 0.9]] as const) {
    const dir = join(root, id);
    mkdirSync(dir);
    writeRunRecord(dir, record({ id, createdAt: created }));
    appendJsonLine(runPaths(dir).metrics, { kind: 'eval', epoch: 1, step: 5, time: 1, knnAccuracy: acc - 0.1 });
    appendJsonLine(runPaths(dir).metrics, { kind: 'eval', epoch: 2, step: 10, time: 2, knnAccuracy: acc });
  }
  mkdirSync(join(root, 'broken'));
  appendFileSync(join(root, 'broken', 'run.json'), '{"id": ');
  const { runs, skipped } = listRuns(root);
  assert.deepEqual(runs.map((r) => r.record.id), ['new', 'old']);
  assert.deepEqual(runs.map((r) => r.bestKnnAccuracy), [0.9, 0.5]);
  assert.equal(runs[0]!.durationSec, 60);
  assert.equal(skipped.length, 1);
  assert.match(skipped[0]!.reason, /not valid JSON/);
  assert.throws(() => readRunRecord(join(root, 'nothing')), /nothing: no such run folder/);
  mkdirSync(join(root, 'empty'));
  assert.throws(() => readRunRecord(join(root, 'empty')), /empty[/\\]run\.json: no run\.json here/);
});

test('embeddings round-trip as float32 little-endian with their header, samples and projections', () => {
  const dir = tempDir('cl-emb-');
  assert.equal(hasEmbeddings(dir), false);
  const vectors = Float32Array.from([0.5, -1, 3.25, 1e-3, 7, 8]);
  writeEmbeddings(dir, {
    meta: { formatVersion: 1, count: 3, dim: 2, layer: 'representation', dtype: 'float32', byteOrder: 'little-endian', labelled: true, classNames: ['a', 'b'], epoch: 1, step: 4, projections: ['pca'], sprite: null },
    vectors,
    samples: { ids: ['x', 'y', 'z'], labels: [0, 1, 0], split: ['train', 'test', 'train'] },
  }, { pca: Float32Array.from([1, 2, 3, 4, 5, 6]) });
  const back = readEmbeddings(dir);
  assert.deepEqual(Array.from(back.vectors), Array.from(vectors));
  assert.equal(back.meta.dim, 2);
  assert.deepEqual(back.samples.labels, [0, 1, 0]);
  assert.deepEqual(Array.from(readProjection(dir, 'pca')!), [1, 2, 3, 4, 5, 6]);
  assert.equal(readProjection(dir, 'umap'), null);
});

test('the embeddings index (header and samples, for the gallery) is read without vectors.f32 and checked as readEmbeddings checks it', () => {
  const dir = tempDir('cl-emb-index-');
  writeEmbeddings(dir, {
    meta: { formatVersion: 1, count: 2, dim: 2, layer: 'representation', dtype: 'float32', byteOrder: 'little-endian', labelled: true, classNames: ['a', 'b'], epoch: 1, step: 4, projections: [], sprite: null },
    vectors: Float32Array.from([1, 2, 3, 4]),
    samples: { ids: ['x', 'y'], labels: [1, 0], split: ['train', 'test'] },
  }, {});
  const paths = runPaths(dir);
  unlinkSync(paths.vectors);
  assert.throws(() => readEmbeddings(dir), /vectors\.f32/);
  const index = readEmbeddingsIndex(dir);
  assert.equal('vectors' in index, false);
  assert.deepEqual(index.samples.ids, ['x', 'y']);
  assert.equal(index.meta.count, 2);
  writeFileSync(paths.samples, JSON.stringify({ ids: ['x'], labels: [1], split: ['train'] }));
  assert.throws(() => readEmbeddingsIndex(dir), /"ids" should list 2 samples \(meta.json's count\) but lists 1; the sample index is damaged; rewrite the embeddings with `contrastive-lab embed /);
});
