// Benchmark of the extension host's hot paths, none of which may stall the editor:
//  - following a long run's metrics.jsonl: the first read of 100,000 step lines, then the cost of
//    picking up one appended line (what every chokidar change event triggers);
//  - the gallery's neighbour query: exact k=10 search over 10,000 × 128 through the NeighbourService,
//    i.e. a JSON-line round trip to `contrastive-lab neighbors --serve` (the library's search on the
//    default backend): the first query (process start, loading) and the median of 50 after warm-up;
//  - refreshing a runs folder of 200 run directories (what the Runs tree does on a folder switch).
// Needs the built CLI (npm run build). Run alone with `node --import tsx bench/extension.ts`, or call runExtensionBench().
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hostname } from 'node:os';
import { MetricsTail } from '../server/runs/reader';
import { NeighbourService } from '../extension/runs/neighbourService';
import { RunStore } from '../extension/runs/runStore';
import { writeEmbeddings } from '../server/runs/embeddings';

export interface ExtensionBenchResult {
  readonly metricsLines: number;
  readonly firstReadMs: number;
  readonly appendReadMedianMs: number;
  readonly neighbourFirstQueryMs: number;
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

export async function runExtensionBench(): Promise<ExtensionBenchResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-ext-bench-'));
  try {
    const metricsLines = 100_000;
    const file = path.join(tmp, 'metrics.jsonl');
    fs.writeFileSync(file, Array.from({ length: metricsLines }, (_, i) => stepLine(i + 1)).join(''));
    const follower = new MetricsTail(file);
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
    const runDir = path.join(tmp, 'embedded-run');
    writeEmbeddings(runDir, {
      meta: { formatVersion: 1, count: rows, dim, layer: 'representation', dtype: 'float32', byteOrder: 'little-endian', labelled: true, classNames: null, epoch: 1, step: 1, projections: [], sprite: null },
      vectors,
      samples: { ids: Array.from({ length: rows }, (_, i) => `s${i}`), labels: Array.from({ length: rows }, (_, i) => i % 10), split: Array.from({ length: rows }, () => 'test' as const) },
    }, {});
    const cli = path.join(__dirname, '..', 'dist', 'cli.js');
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` before the extension benchmark`);
    const service = new NeighbourService({ command: process.execPath, args: [cli, 'neighbors', runDir, '--serve'], env: {}, cwd: tmp });
    const queries: number[] = [];
    let neighbourFirstQueryMs: number;
    try {
      t = performance.now();
      await service.query(0, 10);
      neighbourFirstQueryMs = performance.now() - t;
      for (let q = 1; q <= 5; q++) await service.query(q * 13, 10);
      for (let q = 0; q < 50; q++) {
        t = performance.now();
        await service.query(q * 197, 10);
        queries.push(performance.now() - t);
      }
    } finally {
      service.dispose();
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

    return { metricsLines, firstReadMs, appendReadMedianMs: median(appends), neighbourFirstQueryMs, neighbourQueryMedianMs: median(queries), refresh200RunsMs };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function printExtensionBench(r: ExtensionBenchResult): void {
  console.log(`extension host: metrics.jsonl of ${r.metricsLines} lines, neighbour search 10,000 × 128, runs folder of 200 runs`);
  console.log(`bench ext-metrics-first-read-100k ${r.firstReadMs.toFixed(1)} ms`);
  console.log(`bench ext-metrics-append-read-median ${r.appendReadMedianMs.toFixed(3)} ms`);
  console.log(`bench ext-neighbour-first-query-10k ${r.neighbourFirstQueryMs.toFixed(0)} ms (starts neighbors --serve, loads the embeddings)`);
  console.log(`bench ext-neighbour-query-10k-median ${r.neighbourQueryMedianMs.toFixed(2)} ms (round trip through the NeighbourService, 50 queries)`);
  console.log(`bench ext-refresh-200-runs ${r.refresh200RunsMs.toFixed(1)} ms`);
}

if (require.main === module) void runExtensionBench().then(printExtensionBench);
