// `npm run bench -- ddp`: the PyTorch engine on 2 processes (DistributedDataParallel, 1 thread each)
// against 1 process on 1 thread, on the same recipe, as `train --engine pytorch [--processes 2]` runs it:
//   bench ddp-2proc-speedup <ratio> ratio          1 process's training seconds ÷ 2 processes'
//   bench ddp-2proc-wall-speedup <ratio> ratio     the same for the whole launch (data, start-up, embeddings)
// Training seconds are the engine's own clock at its last step line. The recipe is SimCLR on the
// 10,000 built-in digits (MLP 784 → 512 → 128, projection 128 → 64, batch 256 = 2 × 128, 2 epochs);
// the processes run without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (the launcher's engineEnv drops them).
// Each count runs REPEATS times (env BENCH_DDP_REPEATS, default 3), interleaved, and the medians count
// (the machine is shared).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricLine, StepMetric } from '../server/runs/format';
import { readJsonLines } from '../server/runs/jsonl';
import { runPaths } from '../server/runs/paths';
import { checkSpecText } from '../server/spec/check';
import { trainWithPyTorch } from '../server/trainer/engines/pytorch';
import { createStopSignal } from '../server/trainer/stop';
import { PYTHON, torchAvailable } from './mirror';

const REPEATS = Math.max(1, Number(process.env['BENCH_DDP_REPEATS'] ?? 3) || 3);

const RECIPE = `experiment: ddp-bench
data:
  source: builtin:digits
  useLabels: false
  split: { testFraction: 0.2, seed: 0 }
pairs:
  positives: augmentation
  negatives: { type: batch }
loss: { type: infoNCE, temperature: 0.5 }
architecture:
  backbone: { type: mlp, layers: [512] }
  representationSize: 128
  projection: { layers: [128, 64] }
strategy:
  optimizer: { type: adam, learningRate: 0.001 }
  epochs: 2
  batchSize: 256
eval:
  retrieval: null
run:
  engine: pytorch
`;

interface Timing {
  readonly trainSeconds: number;
  readonly wallSeconds: number;
  readonly steps: number;
}

async function train(specPath: string, out: string, processes: number): Promise<Timing> {
  const checked = checkSpecText(RECIPE, specPath);
  if (checked.spec === null) throw new Error(`the ddp bench recipe does not check: ${checked.problems.map((p) => p.message).join('; ')}`);
  const stop = createStopSignal(false);
  const t0 = performance.now();
  try {
    const outcome = await trainWithPyTorch({ spec: checked.spec, specPath, specText: RECIPE, outRoot: out }, { mode: 'silent', stop, umap: false, threads: processes, python: PYTHON, processes });
    if (outcome.status !== 'completed') throw new Error(`${processes} process(es): the run ended ${outcome.status}: ${outcome.record.error?.message ?? ''}`);
    const steps = readJsonLines<MetricLine>(runPaths(outcome.runDir).metrics).lines.filter((l): l is StepMetric => l.kind === 'step');
    return { trainSeconds: steps[steps.length - 1]!.time, wallSeconds: (performance.now() - t0) / 1000, steps: steps.length };
  } finally {
    stop.dispose();
  }
}

export async function runDdpBench(): Promise<void> {
  const torch = torchAvailable();
  if ('missing' in torch) {
    console.log(`ddp: skipped: ${torch.missing}; install python3-torch to time several processes`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'contrastive-ddp-'));
  try {
    const specPath = join(work, 'ddp-bench.contrastive.yaml');
    writeFileSync(specPath, RECIPE);
    const runs: Record<1 | 2, Timing[]> = { 1: [], 2: [] };
    for (let i = 0; i < REPEATS; i++) {
      for (const n of [1, 2] as const) runs[n].push(await train(specPath, join(work, `runs-${n}-${i}`), n));
    }
    const median = (values: number[]): number => {
      const v = [...values].sort((a, b) => a - b);
      return v.length % 2 === 1 ? v[v.length >> 1]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
    };
    const typical = (n: 1 | 2): Timing => ({ trainSeconds: median(runs[n].map((r) => r.trainSeconds)), wallSeconds: median(runs[n].map((r) => r.wallSeconds)), steps: runs[n][0]!.steps });
    const [one, two] = [typical(1), typical(2)];
    console.log(`torch ${torch.version}; SimCLR MLP on 8,000 digits, batch 256, ${one.steps} steps; 1 thread per process; medians of ${REPEATS} interleaved runs`);
    for (const n of [1, 2] as const) console.log(`  ${n} process${n === 1 ? '' : 'es'}: training ${runs[n].map((r) => r.trainSeconds.toFixed(2)).join(' ')} s; wall ${runs[n].map((r) => r.wallSeconds.toFixed(2)).join(' ')} s`);
    console.log(`${'processes'.padEnd(12)} ${'training'.padStart(10)} ${'samples/s'.padStart(10)} ${'wall'.padStart(8)}`);
    for (const [n, t] of [[1, one], [2, two]] as const) console.log(`${String(n).padEnd(12)} ${t.trainSeconds.toFixed(1).padStart(8)} s ${Math.round((t.steps * 256) / t.trainSeconds).toString().padStart(10)} ${t.wallSeconds.toFixed(1).padStart(6)} s`);
    console.log(`bench ddp-2proc-speedup ${(one.trainSeconds / two.trainSeconds).toFixed(3)} ratio`);
    console.log(`bench ddp-2proc-wall-speedup ${(one.wallSeconds / two.wallSeconds).toFixed(3)} ratio`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
