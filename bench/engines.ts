// `npm run bench -- engines`: what the PyTorch engine costs over a plain hand-written PyTorch loop
// of the same recipe (bench/pytorch_plain_loop.py; target ≥ 0.95× its speed), and the tfjs engine
// against the PyTorch engine, on one recipe trained end to end as a user does:
//   bench pytorch-engine-vs-plain-loop <ratio> ratio            plain loop's wall ÷ `train --engine pytorch` wall (the whole command, maps included)
//   bench pytorch-engine-vs-plain-loop-without-maps <ratio> ratio   the same without the maps the plain loop does not draw
//   bench pytorch-engine-training-vs-plain-loop <ratio> ratio   the same, training + evaluations only (no start-up)
//   bench tfjs-vs-pytorch-engine <ratio> ratio                   `train --engine pytorch` wall ÷ `train --engine tfjs` wall (> 1: tfjs is faster)
// Like with like: the plain loop decodes the digits from their packed file itself, evaluates (kNN
// and the collapse monitor's std) and checkpoints after every epoch and writes the final vectors, as
// the engine does; it does not draw the maps (the engine's PCA, the launcher's sprite sheet), so the
// engine's figure is given whole and without them (its wall minus the seconds from its `completed`
// event to the launcher's `embeddings` maps event; the PCA, 0.1 s, is drawn inside the engine's run).
// The recipe is SupCon on the 10,000 built-in digits (8,000 / 2,000), an MLP 784 → 512 → 128 → 128 → 64,
// batch 256, 2 epochs, kNN after each: labelled batches without augmentation, so the plain loop can
// be written out by hand with the same semantics. Everything runs on 1 thread; the PyTorch commands
// without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (they halve torch's speed here). Each of the three
// runs REPEATS times (env BENCH_ENGINE_REPEATS, default 5), interleaved (plain, pytorch, tfjs, plain,
// ...), and the medians are compared (the machine is shared: one slow run moves a median little);
// the fastest runs are printed beside them.
// Like for like in what each process does at its end, too: the engine ends its process without the
// interpreter's teardown (engine.py exit_now: ~0.2 s with torch loaded, after the run has ended);
// the plain loop, as a user writes it, pays it — the figures say what the user waits for.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunEvent } from '../server/runs/format';
import { readJsonLines } from '../server/runs/jsonl';
import { runPaths } from '../server/runs/paths';
import { checkSpecText } from '../server/spec/check';
import { writeSplit } from '../server/trainer/exportSplit';
import { trainWithCli, type CliTrainResult } from './cliTrain';
import { mirrorEnv, PYTHON, runProcess, torchAvailable } from './mirror';
import { pytorchEnv } from './simclr';

const repo = resolve(__dirname, '..');
const EPOCHS = 2;
const REPEATS = Math.max(1, Number(process.env['BENCH_ENGINE_REPEATS'] ?? 5) || 5);

/** The recipe bench/pytorch_plain_loop.py writes out by hand (keep the two in step). */
const RECIPE = `experiment: engines-bench
data:
  source: builtin:digits
  split: { testFraction: 0.2, seed: 0 }
pairs:
  positives: labels
  views: { weak: [], strong: [] }
  negatives: { type: batch }
distance: { type: cosine }
loss: { type: supCon, temperature: 0.1 }
architecture:
  backbone: { type: mlp, layers: [512] }
  representationSize: 128
  projection: { layers: [128, 64] }
strategy:
  optimizer: { type: adam, learningRate: 0.002 }
  schedule: { type: cosine }
  epochs: ${EPOCHS}
  batchSize: 256
  seed: 42
eval:
  every: 1
  knn: { k: 20, temperature: 0.07 }
  retrieval: null
run:
  threads: 1
`;

interface PlainLoop {
  readonly knn: number;
  readonly wallSeconds: number;
  readonly trainSeconds: number;
}

async function plainLoop(split: string, out: string): Promise<PlainLoop> {
  const r = await runProcess(PYTHON, [join(repo, 'bench', 'pytorch_plain_loop.py'), join(repo, 'dist', 'digits.bin'), split, String(EPOCHS), '1', out], mirrorEnv(1));
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !last.startsWith('{')) throw new Error(`bench/pytorch_plain_loop.py failed (exit ${r.code}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
  const m = JSON.parse(last) as { knnAccuracy: number; trainSeconds: number };
  return { knn: m.knnAccuracy, wallSeconds: r.seconds, trainSeconds: m.trainSeconds };
}

function ok(result: CliTrainResult, what: string): Extract<CliTrainResult, { kind: 'ok' }> {
  if (result.kind !== 'ok') throw new Error(`${what}: ${result.kind}: ${result.message}`);
  return result;
}

/** Seconds from the engine's `completed` event to the launcher's maps event (the sprite sheet and meta.json, while the engine exits). */
function mapsSeconds(runDir: string): number {
  const lines = readJsonLines<RunEvent>(runPaths(runDir).events).lines;
  const at = (event: string): number => {
    const found = lines.filter((l) => l.event === event).pop();
    if (found === undefined) throw new Error(`${runPaths(runDir).events}: no ${event} event; the bench reads the maps' time from it`);
    return Date.parse(found.time);
  };
  return (at('embeddings') - at('completed')) / 1000;
}

const fastest = <T extends { wallSeconds: number }>(runs: readonly T[]): T => runs.reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a));

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median wall and training seconds of several runs, and the kNN of the run with the median wall. */
interface Typical {
  readonly knn: number;
  readonly wallSeconds: number;
  readonly trainSeconds: number;
}

function typical(runs: readonly { knn: number; wallSeconds: number; trainSeconds: number }[]): Typical {
  const wall = median(runs.map((r) => r.wallSeconds));
  const closest = runs.reduce((a, b) => (Math.abs(b.wallSeconds - wall) < Math.abs(a.wallSeconds - wall) ? b : a));
  return { knn: closest.knn, wallSeconds: wall, trainSeconds: median(runs.map((r) => r.trainSeconds)) };
}

export async function runEngineBench(): Promise<void> {
  const torch = torchAvailable();
  if ('missing' in torch) {
    console.log(`engines: skipped: ${torch.missing}; install python3-torch to compare the engines`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'contrastive-engines-'));
  try {
    const specPath = join(work, 'engines-bench.contrastive.yaml');
    writeFileSync(specPath, RECIPE);
    const checked = checkSpecText(RECIPE, specPath);
    if (checked.spec === null) throw new Error(`the engines bench recipe does not check: ${checked.problems.map((p) => p.message).join('; ')}`);
    const split = join(work, 'split');
    await writeSplit(checked.spec, work, split);

    const plain: PlainLoop[] = [];
    const pytorch: Extract<CliTrainResult, { kind: 'ok' }>[] = [];
    const tfjs: Extract<CliTrainResult, { kind: 'ok' }>[] = [];
    for (let i = 0; i < REPEATS; i++) {
      plain.push(await plainLoop(split, join(work, `plain-${i}`)));
      pytorch.push(ok(await trainWithCli(specPath, join(work, `runs-pytorch-${i}`), { engine: 'pytorch', threads: 1, env: pytorchEnv(1) }), 'train --engine pytorch'));
      tfjs.push(ok(await trainWithCli(specPath, join(work, `runs-tfjs-${i}`), { engine: 'tfjs', threads: 1 }), 'train --engine tfjs'));
    }
    const p = typical(plain);
    const e = typical(pytorch);
    const t = typical(tfjs);
    const maps = median(pytorch.map((r) => mapsSeconds(r.runDir)));
    const walls = (runs: readonly { wallSeconds: number }[]): string => runs.map((r) => r.wallSeconds.toFixed(2)).join(' ');
    const row = (name: string, knn: number, wall: number, train: number, fast: number): string => `${name.padEnd(34)} ${(knn * 100).toFixed(2).padStart(6)} % ${wall.toFixed(2).padStart(7)} s ${train.toFixed(2).padStart(9)} s ${fast.toFixed(2).padStart(8)} s`;
    console.log(`torch ${torch.version}; recipe: SupCon MLP on 8,000 digits, batch 256, ${EPOCHS} epochs, kNN each epoch, 1 thread; medians of ${REPEATS} interleaved runs`);
    console.log(`${'run'.padEnd(34)} ${'kNN'.padStart(8)} ${'wall'.padStart(9)} ${'training'.padStart(11)} ${'fastest'.padStart(10)}`);
    console.log(row('plain PyTorch loop (python only)', p.knn, p.wallSeconds, p.trainSeconds, fastest(plain).wallSeconds));
    console.log(row('train --engine pytorch', e.knn, e.wallSeconds, e.trainSeconds, fastest(pytorch).wallSeconds));
    console.log(row('  the same without the maps', e.knn, e.wallSeconds - maps, e.trainSeconds, fastest(pytorch).wallSeconds - maps));
    console.log(row('train --engine tfjs', t.knn, t.wallSeconds, t.trainSeconds, fastest(tfjs).wallSeconds));
    console.log(`every wall (s): plain ${walls(plain)}; pytorch ${walls(pytorch)}; tfjs ${walls(tfjs)}`);
    console.log('wall: the whole command (the CLI also checks the spec, loads and exports the data, checks torch and');
    console.log('the ingredients, writes the run directory and draws the maps; the plain loop decodes the packed digits,');
    console.log('evaluates, checkpoints and writes the vectors); without the maps: less the seconds from the engine\'s');
    console.log(`completed event to the maps event (median ${maps.toFixed(2)} s); training: each one's own clock over training and evaluations`);
    console.log(`bench pytorch-engine-vs-plain-loop ${(p.wallSeconds / e.wallSeconds).toFixed(3)} ratio`);
    console.log(`bench pytorch-engine-vs-plain-loop-without-maps ${(p.wallSeconds / (e.wallSeconds - maps)).toFixed(3)} ratio`);
    console.log(`bench pytorch-engine-training-vs-plain-loop ${(p.trainSeconds / e.trainSeconds).toFixed(3)} ratio`);
    console.log(`bench tfjs-vs-pytorch-engine ${(e.wallSeconds / t.wallSeconds).toFixed(3)} ratio`);
    console.log(`bench tfjs-vs-pytorch-engine-training ${(e.trainSeconds / t.trainSeconds).toFixed(3)} ratio`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
