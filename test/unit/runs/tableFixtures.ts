// Run directories for the runs-table tests: run.json, spec.json and metrics.jsonl as the trainer writes them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricLine, RunRecord } from '../../../server/runs/format';
import { appendJsonLine } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { writeRunRecord } from '../../../server/runs/record';

export function tempRoot(prefix = 'cl-table-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface FakeRun {
  readonly id: string;
  readonly createdAt: string;
  readonly spec: unknown;
  readonly metrics: readonly MetricLine[];
  readonly record?: Partial<RunRecord>;
}

export function writeRun(root: string, run: FakeRun): string {
  const dir = join(root, run.id);
  mkdirSync(dir, { recursive: true });
  writeRunRecord(dir, {
    formatVersion: 1, id: run.id, name: run.id, experiment: 'e', specPath: '/x.yaml', specHash: 'h', status: 'completed', pid: null,
    hostname: hostname(), backend: 'wasm', seed: 0, epochs: 2, stepsPerEpoch: 2, createdAt: run.createdAt,
    startedAt: run.createdAt, endedAt: new Date(Date.parse(run.createdAt) + 90_000).toISOString(), step: 4, epoch: 2, bestKnnAccuracy: null,
    lastCheckpoint: null, error: null, ...run.record,
  });
  writeFileSync(runPaths(dir).specJson, JSON.stringify(run.spec));
  for (const line of run.metrics) appendJsonLine(runPaths(dir).metrics, line);
  return dir;
}

export function step(step: number, loss: number, samplesPerSec = 100): MetricLine {
  return { kind: 'step', step, epoch: Math.ceil(step / 2), time: step, loss, lr: 0.1, samplesPerSec };
}

export function evaluation(epoch: number, knn: number, extra: { probe?: number | null; recall?: Record<string, number> } = {}): MetricLine {
  return {
    kind: 'eval', step: epoch * 2, epoch, time: epoch * 2, knnAccuracy: knn, linearProbeAccuracy: extra.probe ?? null, precisionAt1: knn - 0.05,
    recallAtK: extra.recall ?? { '1': knn - 0.05, '10': knn + 0.05 }, mapAtR: knn / 2, collapseStd: 0.2, collapseHealthyStd: 0.25,
  };
}

export function spec(temperature: number, backbone: string, extra: Record<string, unknown> = {}): unknown {
  return {
    experiment: 'e',
    loss: { type: 'infoNCE', temperature },
    architecture: { backbone: { type: backbone, widths: [32, 64] } },
    pairs: { views: { strong: [{ type: 'affine', degrees: 10 }, { type: 'cutout', size: 8 }] } },
    training: { epochs: 2, batchSize: 64 },
    ...extra,
  };
}

/** Three runs under one folder: a/b differ in temperature, c in backbone; b is best. */
export function threeRuns(root: string): { a: string; b: string; c: string } {
  return {
    a: writeRun(root, { id: 'a', createdAt: '2026-01-01T00:00:00.000Z', spec: spec(0.1, 'mlp'), metrics: [step(1, 3), step(2, 2.5), evaluation(1, 0.6), step(3, 2), step(4, 1.5, 300), evaluation(2, 0.7, { probe: 0.65 })] }),
    b: writeRun(root, { id: 'b', createdAt: '2026-01-02T00:00:00.000Z', spec: spec(0.5, 'mlp'), metrics: [step(1, 3), evaluation(1, 0.9), step(2, 1), evaluation(2, 0.85, { probe: 0.8 })] }),
    c: writeRun(root, { id: 'c', createdAt: '2026-01-03T00:00:00.000Z', spec: spec(0.1, 'convnet'), metrics: [step(1, 4)], record: { status: 'failed', error: { kind: 'nonFinite', message: 'the loss became NaN', where: 'step 1 (epoch 1)', step: 1, epoch: 1, value: 'NaN' } } }),
  };
}
