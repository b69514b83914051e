// Benchmark of the extension host's hot paths, none of which may stall the editor:
//  - following a long run's metrics.jsonl: the first read of 100,000 step lines, then the cost of
//    picking up one appended line (what every chokidar change event triggers);
//  - the gallery's neighbour query: exact k=10 search in plain JavaScript over 10,000 × 128;
//  - refreshing a runs folder of 200 run directories (what the Runs tree does on a folder switch).
// Run alone with `node --import tsx bench/extension.ts`, or call runExtensionBench().
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hostname } from 'node:os';
import { MetricsFollower } from '../extension/runs/metricsFollower';
import { nearestNeighbours } from '../extension/runs/runEmbeddings';
import { RunStore } from '../extension/runs/runStore';

export interface ExtensionBenchResult {
  readonly metricsLines: number;
  readonly firstReadMs: number;
  readonly appendReadMedianMs: number;
  readonly neighbourQueryMedianMs: number;
  readonly refresh200RunsMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function stepLine(step: number): string {
  return JSON.stringify({ kind: 'step', step, epoch: 1 + Math.floor(step / 1000), time: step / 10, loss: 1 / (1 + step), lr: 0.001, samplesPerSec: 900 }) + '\n';
}

export function runExtensionBench(): ExtensionBenchResult {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-ext-bench-'));
  try {
    const metricsLines = 100_000;
    const file = path.join(tmp, 'metrics.jsonl');
    fs.writeFileSync(file, Array.from({ length: metricsLines }, (_, i) => stepLine(i + 1)).join(''));
    const follower = new MetricsFollower(file);
    let t = performance.now();
    follower.readNew();
    const firstReadMs = performance.now() - t;
    const appends: number[] = [];
    for (let i = 0; i < 200; i++) {
      fs.appendFileSync(file, stepLine(metricsLines + i + 1));
      t = performance.now();
      follower.readNew();
      appends.push(performance.now() - t);
    }

    const rows = 10_000;
    const dim = 128;
    const vectors = new Float32Array(rows * dim);
    let seed = 1;
    for (let i = 0; i < vectors.length; i++) vectors[i] = ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
    const queries: number[] = [];
    for (let q = 0; q < 30; q++) {
      t = performance.now();
      nearestNeighbours(vectors, dim, q * 97, 10, 'cosine');
      queries.push(performance.now() - t);
    }

    const root = path.join(tmp, 'runs');
    for (let r = 0; r < 200; r++) {
      const dir = path.join(root, `run-${r}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ formatVersion: 1, id: `run-${r}`, name: `run ${r}`, experiment: 'e', specPath: '/x', specHash: 'h', status: 'completed', pid: null, hostname: hostname(), backend: 'wasm', seed: 1, epochs: 5, stepsPerEpoch: 100, createdAt: new Date(r * 1000).toISOString(), startedAt: null, endedAt: null, step: 500, epoch: 5, bestKnnAccuracy: 0.9, lastCheckpoint: null, error: null }));
      fs.writeFileSync(path.join(dir, 'metrics.jsonl'), Array.from({ length: 500 }, (_, i) => stepLine(i + 1)).join(''));
    }
    t = performance.now();
    new RunStore(root).refreshAll();
    const refresh200RunsMs = performance.now() - t;

    return { metricsLines, firstReadMs, appendReadMedianMs: median(appends), neighbourQueryMedianMs: median(queries), refresh200RunsMs };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function printExtensionBench(r: ExtensionBenchResult): void {
  console.log(`extension host: metrics.jsonl of ${r.metricsLines} lines, neighbour search 10,000 × 128, runs folder of 200 runs`);
  console.log(`bench ext-metrics-first-read-100k ${r.firstReadMs.toFixed(1)} ms`);
  console.log(`bench ext-metrics-append-read-median ${r.appendReadMedianMs.toFixed(3)} ms`);
  console.log(`bench ext-neighbour-query-10k-median ${r.neighbourQueryMedianMs.toFixed(2)} ms`);
  console.log(`bench ext-refresh-200-runs ${r.refresh200RunsMs.toFixed(1)} ms`);
}

if (require.main === module) printExtensionBench(runExtensionBench());
