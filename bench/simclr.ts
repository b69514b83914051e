// Benchmark: one SimCLR training step of the reference recipe — two views of a batch of 256 28×28
// inputs, NT-Xent (τ = 0.5), Adam — for an MLP (784→512→256, projection 256→256→64) and a convnet
// (conv 32 · relu · maxpool, conv 64 · relu · maxpool, flatten → 256, same projection), reported
// as samples/s from the median step. When /usr/bin/python3 has torch, bench/pytorch_simclr.py runs
// the same steps in the same run, twice: with our thread count (1 on wasm) and with every core, and
// the ratios ours/PyTorch are printed for both. The peer runs at its best: its thread count set
// explicitly (torch.set_num_threads, OMP/MKL/OPENBLAS_NUM_THREADS), OPENBLAS_CORETYPE and
// OPENBLAS_L2_SIZE removed from its environment alone (they halve OpenBLAS's matmul speed here), and
// the faster of BLAS or a oneDNN 1×1 convolution for its dense products; the BLAS it loaded and the
// kernel it chose are printed as `bench peer pytorch …` lines. The all-core run is made with OpenMP's
// default (spinning) wait policy and with OMP_WAIT_POLICY=PASSIVE, and each recipe keeps the faster:
// on a busy shared machine spinning threads lose their core and the step runs several times slower.
// Machine lines: `bench simclr-<recipe>-samples-per-s <v> samples/s`, `bench simclr-<recipe>-vs-pytorch <r> ratio`
// (PyTorch at our thread count), `bench simclr-<recipe>-vs-pytorch-<n>threads <r> ratio` (PyTorch on all n cores),
// and the peer's own `bench simclr-<recipe>-pytorch[-<n>threads]-samples-per-s <v> samples/s`.
// Run alone with `node --import tsx bench/simclr.ts [--backend wasm|cpu] [--steps N]`, or via runSimclrBench().
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { currentBackend, initBackend, tf, type BackendRequest } from '../server/contrastive/backend';
import { createDistance } from '../server/contrastive/distances';
import { createLoss, type Loss } from '../server/contrastive/losses';
import { ContrastiveModel } from '../server/contrastive/models';
import { createOptimizer, type Optimizer } from '../server/contrastive/optim';
import type { ArchitectureSpec, BackboneSpec } from '../server/spec/types';

export type SimclrRecipe = 'mlp' | 'convnet';

export interface SimclrBenchOptions {
  /** Timed steps per recipe (after two warm-up steps); the median step is reported. */
  readonly steps?: number;
  readonly recipes?: readonly SimclrRecipe[];
  /** Run the PyTorch peer when available (default true). */
  readonly pytorch?: boolean;
  readonly log?: (line: string) => void;
}

export interface SimclrFigure {
  readonly recipe: SimclrRecipe;
  readonly samplesPerSecond: number;
  readonly msPerStep: number;
  /** PyTorch's samples/s in the same run at our thread count, or null when torch is unavailable. */
  readonly pytorchSamplesPerSecond: number | null;
  /** PyTorch's samples/s on every core (`allCoresThreads`), or null when not measured. */
  readonly pytorchAllCoresSamplesPerSecond: number | null;
}

/** What the PyTorch peer actually ran on, as it reported it. */
export interface PytorchPeer {
  readonly threads: number;
  /** OMP_WAIT_POLICY of the run: 'default' (libgomp spins) or 'passive'. */
  readonly ompWait: OmpWait;
  readonly samplesPerSecond: Partial<Record<SimclrRecipe, number>>;
  readonly torch: string;
  /** openblas, mkl, blis, reference (netlib), builtin, …; `blasDetail` names the library (and OpenBLAS's core type). */
  readonly blas: string;
  readonly blasDetail: string;
  readonly mkldnn: boolean;
  /** The kernel of its dense layers and similarity product: 'linear' (BLAS) or 'conv1x1' (oneDNN). */
  readonly dense: string;
  readonly denseLinearMs: number | null;
  readonly denseConv1x1Ms: number | null;
}

export interface SimclrBenchResult {
  readonly backend: string;
  readonly threads: number;
  readonly figures: readonly SimclrFigure[];
  /** Why PyTorch was not compared, when it was not. */
  readonly pytorchNote: string | null;
  readonly torchVersion: string | null;
  /** The thread count of the all-core PyTorch run (the machine's core count). */
  readonly allCoresThreads: number;
  readonly peers: readonly PytorchPeer[];
}

const BATCH = 256;
const TEMPERATURE = 0.5;
const PYTHON = '/usr/bin/python3';

const BACKBONES: Readonly<Record<SimclrRecipe, BackboneSpec>> = {
  mlp: { type: 'mlp', layers: [512], activation: 'relu', batchNorm: false, dropout: 0 },
  convnet: { type: 'convnet', channels: [32, 64], kernelSize: 3, activation: 'relu', batchNorm: false },
};

function architecture(recipe: SimclrRecipe): ArchitectureSpec {
  return {
    backbone: BACKBONES[recipe],
    representationSize: 256,
    projection: { layers: [256, 64], batchNorm: false, activation: 'relu' },
    prediction: null,
    normalizeOutput: true,
  };
}

function trainStep(model: ContrastiveModel, optimizer: Optimizer, v1: tf.Tensor, v2: tf.Tensor, loss: Loss): number {
  const named = model.namedVariables().filter((v) => v.trainable);
  const { value, grads } = tf.variableGrads(() => {
    const z1 = model.forward(v1, { training: true }).projection;
    const z2 = model.forward(v2, { training: true }).projection;
    return loss.compute({ views: { view1: z1, view2: z2 } });
  }, named.map((v) => v.variable));
  const updates = named.map(({ name, variable }) => {
    const gradient = grads[variable.name];
    if (gradient === undefined) throw new Error(`No gradient for ${name}.`);
    return { name, variable, gradient };
  });
  optimizer.applyGradients(updates, 1e-3);
  const lossValue = value.dataSync()[0] ?? Number.NaN;
  tf.dispose([value, ...Object.values(grads)]);
  return lossValue;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Median milliseconds per training step of `recipe` on the current backend. */
export function timeSimclrStep(recipe: SimclrRecipe, steps: number): number {
  const model = ContrastiveModel.build(architecture(recipe), [28, 28, 1]);
  const optimizer = createOptimizer({ type: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });
  const v1 = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 1);
  const v2 = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 2);
  // The library's own NT-Xent (infoNCE in its two-view SimCLR form), as the trainer uses it.
  const loss = createLoss({ type: 'infoNCE', temperature: TEMPERATURE }, createDistance({ type: 'cosine' }));
  try {
    for (let i = 0; i < 2; i++) trainStep(model, optimizer, v1, v2, loss);
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const start = performance.now();
      const value = trainStep(model, optimizer, v1, v2, loss);
      times.push(performance.now() - start);
      if (!Number.isFinite(value)) throw new Error(`The ${recipe} benchmark step produced a non-finite loss (${value}).`);
    }
    return median(times);
  } finally {
    tf.dispose([v1, v2]);
    loss.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

interface PytorchRun {
  readonly samplesPerSecond: Partial<Record<SimclrRecipe, number>>;
  readonly version: string | null;
  readonly note: string | null;
  readonly peer: PytorchPeer | null;
}

/**
 * The peer's environment, for this child alone: OpenBLAS's core-type and L2-size overrides (set on
 * the project's machines for other tools) halve its matmul speed, so they go; every thread-count
 * variable a BLAS or OpenMP reads is set to `threads`, matching torch.set_num_threads in the script.
 */
export function pytorchEnv(threads: number, base: NodeJS.ProcessEnv = process.env, ompWait: OmpWait = 'default'): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (ompWait === 'passive') env.OMP_WAIT_POLICY = 'PASSIVE';
  return env;
}

export type OmpWait = 'default' | 'passive';

/** The faster of several runs of the peer, recipe by recipe (each keeps its own peer description). */
function fastestPytorch(runs: readonly PytorchRun[], recipes: readonly SimclrRecipe[]): PytorchRun {
  const ok = runs.filter((r) => r.peer !== null);
  if (ok.length === 0) return runs[0]!;
  const samplesPerSecond: Partial<Record<SimclrRecipe, number>> = {};
  for (const recipe of recipes) {
    const values = ok.map((r) => r.samplesPerSecond[recipe]).filter((v): v is number => v !== undefined);
    if (values.length > 0) samplesPerSecond[recipe] = Math.max(...values);
  }
  return { samplesPerSecond, version: ok[0]!.version, note: null, peer: ok[0]!.peer };
}

function runPytorch(threads: number, steps: number, recipes: readonly SimclrRecipe[], ompWait: OmpWait = 'default'): PytorchRun {
  if (!existsSync(PYTHON)) return { samplesPerSecond: {}, version: null, peer: null, note: `${PYTHON} not found; install python3-torch (apt-get install python3-torch) to compare with PyTorch.` };
  const script = join(__dirname, 'pytorch_simclr.py');
  const run = spawnSync(PYTHON, [script, String(threads), String(steps), ...recipes], { encoding: 'utf8', timeout: 15 * 60 * 1000, env: pytorchEnv(threads, process.env, ompWait) });
  if (run.status !== 0) {
    const why = (run.stderr ?? '').trim().split('\n').pop() ?? run.error?.message ?? 'unknown error';
    return { samplesPerSecond: {}, version: null, peer: null, note: `PyTorch peer failed (${why}); is python3-torch installed?` };
  }
  const line = run.stdout.trim().split('\n').pop() ?? '{}';
  const parsed = JSON.parse(line) as Partial<Record<SimclrRecipe, number>> & {
    torch?: string; threads?: number; blas?: string; blas_detail?: string; mkldnn?: boolean; dense?: string; dense_linear_ms?: number; dense_conv1x1_ms?: number;
  };
  const samplesPerSecond: Partial<Record<SimclrRecipe, number>> = {};
  for (const recipe of recipes) if (typeof parsed[recipe] === 'number') samplesPerSecond[recipe] = parsed[recipe];
  const peer: PytorchPeer = {
    threads: parsed.threads ?? threads, ompWait, samplesPerSecond, torch: parsed.torch ?? 'unknown', blas: parsed.blas ?? 'unknown', blasDetail: parsed.blas_detail ?? '',
    mkldnn: parsed.mkldnn === true, dense: parsed.dense ?? 'linear', denseLinearMs: parsed.dense_linear_ms ?? null, denseConv1x1Ms: parsed.dense_conv1x1_ms ?? null,
  };
  return { samplesPerSecond, version: parsed.torch ?? null, note: null, peer };
}

function wasmThreads(backend: string): number {
  if (backend !== 'wasm') return 1;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  return wasm.getThreadsCount();
}

export async function runSimclrBench(options: SimclrBenchOptions = {}): Promise<SimclrBenchResult> {
  const steps = options.steps ?? 5;
  const recipes = options.recipes ?? ['mlp', 'convnet'];
  const log = options.log ?? ((line: string) => console.log(line));
  const backend = currentBackend()?.name ?? (await initBackend('auto')).name;
  const threads = wasmThreads(backend);
  const allCoresThreads = cpus().length;
  const ours = recipes.map((recipe) => ({ recipe, msPerStep: timeSimclrStep(recipe, steps) }));
  const off: PytorchRun = { samplesPerSecond: {}, version: null, peer: null, note: 'PyTorch comparison switched off.' };
  const torch = options.pytorch === false ? off : runPytorch(threads, steps, recipes);
  // The all-core run: skipped when the matched run already used every core or PyTorch is missing.
  const allCoresRuns = options.pytorch === false || torch.peer === null || allCoresThreads === threads ? [] : (['default', 'passive'] as const).map((wait) => runPytorch(allCoresThreads, steps, recipes, wait));
  const allCores = allCoresRuns.length > 0 ? fastestPytorch(allCoresRuns, recipes) : null;
  const figures: SimclrFigure[] = ours.map(({ recipe, msPerStep }) => ({
    recipe, msPerStep, samplesPerSecond: (BATCH * 1000) / msPerStep,
    pytorchSamplesPerSecond: torch.samplesPerSecond[recipe] ?? null,
    pytorchAllCoresSamplesPerSecond: (allCores ?? torch).samplesPerSecond[recipe] ?? null,
  }));
  const peers = [torch.peer, ...allCoresRuns.map((r) => r.peer)].filter((p): p is PytorchPeer => p !== null);
  const note = [torch.note, ...allCoresRuns.map((r) => r.note)].filter((n): n is string => n !== null).join('; ') || null;
  const result: SimclrBenchResult = { backend, threads, figures, pytorchNote: note, torchVersion: torch.version, allCoresThreads, peers };
  printSimclrBench(result, log);
  return result;
}

export function printSimclrBench(result: SimclrBenchResult, log: (line: string) => void = (line) => console.log(line)): void {
  log(`SimCLR training step, batch ${BATCH} (two views), 28×28, NT-Xent τ=${TEMPERATURE}, Adam — backend ${result.backend}, ${result.threads} thread(s)${result.torchVersion !== null ? `, PyTorch ${result.torchVersion}` : ''}`);
  const n = result.allCoresThreads;
  const matched = `PyTorch ${result.threads}t`;
  const all = `PyTorch ${n}t`;
  log(`recipe    ms/step   samples/s   ${matched.padStart(11)}   ratio   ${all.padStart(11)}   ratio`);
  const cell = (peer: number | null): string => (peer !== null ? peer.toFixed(1) : '—').padStart(11);
  const ratioCell = (ours: number, peer: number | null): string => (peer !== null ? (ours / peer).toFixed(2) : '—').padStart(5);
  for (const f of result.figures) {
    log(`${f.recipe.padEnd(9)} ${f.msPerStep.toFixed(0).padStart(7)}   ${f.samplesPerSecond.toFixed(1).padStart(9)}   ${cell(f.pytorchSamplesPerSecond)}   ${ratioCell(f.samplesPerSecond, f.pytorchSamplesPerSecond)}   ${cell(f.pytorchAllCoresSamplesPerSecond)}   ${ratioCell(f.samplesPerSecond, f.pytorchAllCoresSamplesPerSecond)}`);
  }
  if (result.pytorchNote !== null) log(`(${result.pytorchNote})`);
  for (const p of result.peers) {
    const kernel = p.denseLinearMs !== null && p.denseConv1x1Ms !== null ? ` (linear ${p.denseLinearMs.toFixed(1)} ms, conv1x1 ${p.denseConv1x1Ms.toFixed(1)} ms)` : '';
    const measured = Object.entries(p.samplesPerSecond).map(([recipe, v]) => `${recipe} ${v.toFixed(1)}`).join(', ');
    log(`bench peer pytorch ${p.torch} threads ${p.threads} blas ${p.blas} (${p.blasDetail}) mkldnn ${p.mkldnn ? 'yes' : 'no'} dense ${p.dense}${kernel} omp-wait ${p.ompWait}${measured !== '' ? ` samples/s: ${measured}` : ''}`);
  }
  for (const f of result.figures) {
    log(`bench simclr-${f.recipe}-samples-per-s ${f.samplesPerSecond.toFixed(1)} samples/s`);
    if (f.pytorchSamplesPerSecond !== null) log(`bench simclr-${f.recipe}-pytorch-samples-per-s ${f.pytorchSamplesPerSecond.toFixed(1)} samples/s`);
    if (f.pytorchAllCoresSamplesPerSecond !== null) log(`bench simclr-${f.recipe}-pytorch-${n}threads-samples-per-s ${f.pytorchAllCoresSamplesPerSecond.toFixed(1)} samples/s`);
    if (f.pytorchSamplesPerSecond !== null) log(`bench simclr-${f.recipe}-vs-pytorch ${(f.samplesPerSecond / f.pytorchSamplesPerSecond).toFixed(2)} ratio`);
    if (f.pytorchAllCoresSamplesPerSecond !== null) log(`bench simclr-${f.recipe}-vs-pytorch-${n}threads ${(f.samplesPerSecond / f.pytorchAllCoresSamplesPerSecond).toFixed(2)} ratio`);
  }
}

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const backend = (argument('--backend') ?? 'auto') as BackendRequest;
  const steps = Number(argument('--steps') ?? '5');
  initBackend(backend)
    .then(() => runSimclrBench({ steps }))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
