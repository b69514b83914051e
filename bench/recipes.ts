// `npm run bench -- recipes`: whole recipes trained end to end (augmentation, the network,
// evaluation after every epoch, the final embeddings) for the fixed epochs of their specs in
// bench/recipes/, by our trainer and by the PyTorch mirror (engines/pytorch) on the same split.
// Ours is the real `contrastive-lab train` (server/cli/main.ts, --no-umap, as the mirror has no
// UMAP), bundled as dist/cli.js is, started through bench/recipes-probe.ts, which times the phases from outside. The mirror
// runs with 1 thread and with every core (the faster of OpenMP's spinning and passive waits), at its
// best (bench/mirror.ts); the BLAS and the dense kernel it runs are printed. Ours runs with
// --threads 1 and with --threads <n> (every core). Per recipe:
//   bench recipe-<name>-samples-vs-pytorch <r> ratio        training samples/s, ours ÷ PyTorch, both on 1 thread
//   bench recipe-<name>-wall-vs-pytorch <r> ratio           wall time, PyTorch's ÷ ours (> 1: we are faster)
//   bench recipe-<name>-{samples,wall}-vs-pytorch-<n>threads <r> ratio   the same, both on n threads
//   bench recipe-<name>-<n>threads-{samples,wall}-vs-pytorch-1thread <r> ratio   ours on n threads ÷ PyTorch on 1
//   bench recipe-<name>[-<n>threads|-pytorch[-<n>threads]]-samples-per-s / -seconds / -knn   the absolute figures
// and a table of where the time goes. Training samples/s counts whole steps (batch, augmentation,
// forward, backward, update) and nothing else; wall time is the process's, start to exit.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { currentBackend } from '../server/contrastive/backend';
import type { ResolvedSpec } from '../server/spec/types';
import { writeSplit } from '../server/trainer/exportSplit';
import { writeShapes } from '../scripts/shapes.mjs';
import { mirrorEnv, PYTHON, runProcess, torchAvailable, trainMirror, type MirrorPhases, type MirrorResult } from './mirror';
import type { ProbeTotals } from './recipes-probe';

const repo = resolve(__dirname, '..');
export const RECIPES_DIR = join(repo, 'bench', 'recipes');
const SUFFIX = '.contrastive.yaml';
/** Images per class of the image-folder recipe's generated folder (4 classes, 32×32 RGB). */
const SHAPES_PER_CLASS = 250;

export function recipeNames(): string[] {
  return readdirSync(RECIPES_DIR).filter((f) => f.endsWith(SUFFIX)).map((f) => f.slice(0, -SUFFIX.length)).sort();
}

/**
 * The spec file to train for `name`, in `work`: a copy of bench/recipes/<name> next to what it
 * needs; a recipe whose data.source is `shapes` gets a generated folder of 32×32 RGB shapes there.
 */
export async function prepareRecipe(name: string, work: string, perClass = SHAPES_PER_CLASS): Promise<string> {
  const original = join(RECIPES_DIR, name + SUFFIX);
  const copy = join(work, name + SUFFIX);
  copyFileSync(original, copy);
  if (/^\s*source:\s*shapes\s*$/m.test(readFileSync(original, 'utf8'))) await writeShapes(join(work, 'shapes'), perClass, 3);
  return copy;
}

/** Where the probe's bundle goes: in dist/, beside the trainer's helper-thread bundle it starts. */
export const PROBE_BUNDLE = join(repo, 'dist', 'bench-recipes-probe.js');

/**
 * Bundles bench/recipes-probe.ts (the probe and the CLI it runs) with esbuild as the build bundles
 * dist/cli.js, so the bench times the trainer users run, not one transpiled at start-up by tsx
 * (which added 0.7-1.4 s to every run). Needs `npm run build` first (npm run bench does it).
 */
export async function buildProbeBundle(): Promise<string> {
  const esbuild = await import('esbuild');
  const { nodeExternal } = (await import(join(repo, 'scripts', 'bundle-externals.mjs'))) as { nodeExternal: string[] };
  await esbuild.build({ entryPoints: [join(repo, 'bench', 'recipes-probe.ts')], outfile: PROBE_BUNDLE, bundle: true, platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'], external: nodeExternal, logLevel: 'warning' });
  return PROBE_BUNDLE;
}

/** The command that trains a spec as `contrastive-lab train` does, with the timing probe (bundled) around it. */
export function oursCommand(spec: string, out: string, backend: string, threads: number): string[] {
  return [PROBE_BUNDLE, 'train', spec, '--out', out, '--json', '--no-umap', '--backend', backend, '--threads', String(threads)];
}

interface Ours {
  knn: number | null;
  wallSeconds: number;
  probe: ProbeTotals;
  runDir: string;
  spec: ResolvedSpec;
}

async function trainOurs(spec: string, work: string, backend: string, threads: number): Promise<Ours> {
  const probeFile = join(work, `probe-${threads}.json`);
  const r = await runProcess(process.execPath, oursCommand(spec, join(work, `runs-${threads}`), backend, threads), { ...process.env, CONTRASTIVE_BENCH_PROBE: probeFile });
  let knn: number | null = null;
  let runDir: string | null = null;
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const m = JSON.parse(line) as { kind?: string; knnAccuracy?: number | null; data?: { runDir?: string } };
    if (m.kind === 'eval' && typeof m.knnAccuracy === 'number') knn = m.knnAccuracy;
    if (m.kind === 'event' && typeof m.data?.runDir === 'string') runDir = m.data.runDir;
  }
  if (r.code !== 0 || runDir === null) throw new Error(`our trainer failed on ${spec} (exit ${r.code}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
  const probe = JSON.parse(readFileSync(probeFile, 'utf8')) as ProbeTotals;
  const resolved = JSON.parse(readFileSync(join(runDir, 'spec.json'), 'utf8')) as ResolvedSpec;
  return { knn, wallSeconds: r.seconds, probe, runDir, spec: resolved };
}

/** What the peer runs on: its BLAS (and OpenBLAS core type), the mirror's dense kernel, oneDNN. */
function peerKernel(): string {
  const code = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(join(repo, 'bench'))})`,
    'import torch',
    'from pytorch_simclr import blas_in_use',
    'from contrastive_lab_torch.fastmm import KERNEL',
    'blas, detail = blas_in_use()',
    'print(json.dumps({"torch": torch.__version__, "blas": blas, "detail": detail, "dense": KERNEL, "mkldnn": torch.backends.mkldnn.is_available()}))',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', code], { env: mirrorEnv(1), encoding: 'utf8' });
  if (r.status !== 0) return `unknown (${(r.stderr.trim().split('\n').pop() ?? '').trim()})`;
  const k = JSON.parse(r.stdout) as { torch: string; blas: string; detail: string; dense: string; mkldnn: boolean };
  return `torch ${k.torch}, BLAS ${k.blas} (${k.detail}), dense layers and similarity products via ${k.dense === 'linear' ? 'BLAS (F.linear)' : 'oneDNN 1×1 convolution'}, oneDNN ${k.mkldnn ? 'on' : 'off'}`;
}

/**
 * The mirror on every core at its best: with OpenMP's default (spinning) wait policy and with
 * PASSIVE, the faster kept (spinning threads that lose their core on a busy machine run the recipe
 * several times slower). The spinning run is cut off once it cannot be the faster.
 */
async function allCores(specJson: string, split: string, threads: number): Promise<MirrorResult> {
  const passive = await trainMirror(specJson, split, threads, { ompWait: 'passive' });
  const spinning = await trainMirror(specJson, split, threads, { ompWait: 'default', timeoutSeconds: passive.kind === 'ok' ? passive.wallSeconds * 1.5 + 5 : null });
  if (passive.kind !== 'ok') return spinning;
  return spinning.kind === 'ok' && spinning.seconds < passive.seconds ? spinning : passive;
}

const fmt = (v: number, digits = 2): string => v.toFixed(digits);
const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(0)} %` : '—');

/** A run's phases in the table's rows (seconds), from our probe. */
function ourPhases(p: ProbeTotals): number[] {
  const other = Math.max(0, p.step - p.forwardBackward - p.optimiser - p.augmentation);
  return [p.forwardBackward, p.optimiser, p.augmentation, other, p.evaluation, p.embeddings, p.checkpoint, p.reporting, p.setup];
}

function printTable(name: string, one: Ours, all: Ours, cores: number, peer: MirrorResult): void {
  const tp: MirrorPhases | null = peer.kind === 'ok' ? peer.phases : null;
  const peerSetup = peer.kind === 'ok' ? Math.max(0, peer.wallSeconds - peer.seconds) : null;
  const labels = ['forward + backward (incl. loss)', 'optimiser', 'augmentation', 'data: batch gather, finite guard, step bookkeeping', 'evaluation (kNN every epoch)', 'embeddings (final; UMAP off)', 'checkpoint (final)', 'metric lines, progress', 'setup: runtime, backend, data load, model'];
  const theirs: (number | null)[] = [tp?.forwardBackward ?? null, tp?.optimiser ?? null, tp?.augmentation ?? null, tp?.data ?? null, tp?.evaluation ?? null, null, null, null, peerSetup];
  const a = ourPhases(one.probe);
  const b = ourPhases(all.probe);
  const peerWall = peer.kind === 'ok' ? peer.wallSeconds : 0;
  console.log(`  where the time goes (${name}; seconds of the whole run; ours on 1 and ${cores} threads, PyTorch on 1 thread):`);
  console.log(`  | phase | ours 1 thread s | % | ours ${cores} threads s | % | PyTorch 1 thread s | % |`);
  console.log(`  |---|---:|---:|---:|---:|---:|---:|`);
  labels.forEach((label, i) => {
    const t = theirs[i] ?? null;
    console.log(`  | ${label} | ${fmt(a[i]!)} | ${pct(a[i]!, one.wallSeconds)} | ${fmt(b[i]!)} | ${pct(b[i]!, all.wallSeconds)} | ${t === null ? '—' : fmt(t)} | ${t === null ? '—' : pct(t, peerWall)} |`);
  });
  console.log(`  | wall (process start to exit) | ${fmt(one.wallSeconds)} | 100 % | ${fmt(all.wallSeconds)} | 100 % | ${peer.kind === 'ok' ? fmt(peerWall) : '—'} | ${peer.kind === 'ok' ? '100 %' : '—'} |`);
}

function line(name: string, value: number, unit: string): void {
  console.log(`bench ${name} ${Number.isFinite(value) ? value.toFixed(unit === 'ratio' ? 3 : unit === 'accuracy' ? 4 : 1) : 'NaN'} ${unit}`);
}

export async function runRecipeBench(chosen: readonly string[] = recipeNames()): Promise<void> {
  const backend = currentBackend()?.name ?? 'wasm';
  const cores = cpus().length;
  const available = torchAvailable();
  console.log(`recipes: ${chosen.join(', ')}; our trainer: contrastive-lab train on ${backend} with --threads 1 and --threads ${cores}, --no-umap; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if ('missing' in available) console.log(`PyTorch comparison skipped: ${available.missing}`);
  else console.log(`bench peer pytorch ${peerKernel()}; mirror at 1 and ${cores} threads, OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for it alone`);
  await buildProbeBundle();
  const work = mkdtempSync(join(tmpdir(), 'contrastive-recipes-'));
  try {
    for (const name of chosen) {
      const dir = join(work, name);
      const spec = await prepareRecipe(name, work);
      const ours = await trainOurs(spec, dir, backend, 1);
      const oursAll = await trainOurs(spec, dir, backend, cores);
      const batch = ours.spec.strategy.batchSize;
      const samplesPerSecond = (o: Ours): number => (o.probe.steps * batch) / o.probe.step;
      const oursSamples = samplesPerSecond(ours);
      const oursAllSamples = samplesPerSecond(oursAll);
      console.log(`\n### ${name}: ${ours.spec.strategy.epochs} epochs × ${ours.probe.steps / ours.spec.strategy.epochs} steps of ${batch}`);
      line(`recipe-${name}-samples-per-s`, oursSamples, 'samples/s');
      line(`recipe-${name}-seconds`, ours.wallSeconds, 's');
      line(`recipe-${name}-knn`, ours.knn ?? Number.NaN, 'accuracy');
      line(`recipe-${name}-${cores}threads-samples-per-s`, oursAllSamples, 'samples/s');
      line(`recipe-${name}-${cores}threads-seconds`, oursAll.wallSeconds, 's');
      line(`recipe-${name}-${cores}threads-knn`, oursAll.knn ?? Number.NaN, 'accuracy');
      if ('missing' in available) continue;
      const split = join(dir, 'split');
      await writeSplit(ours.spec, work, split);
      const specJson = join(ours.runDir, 'spec.json');
      let one: MirrorResult = { kind: 'failed', message: 'not run' };
      for (const threads of [1, cores]) {
        const peer = threads === 1 ? await trainMirror(specJson, split, 1) : await allCores(specJson, split, threads);
        if (threads === 1) one = peer;
        const suffix = threads === 1 ? '' : `-${threads}threads`;
        if (peer.kind !== 'ok') {
          console.log(`  PyTorch (${threads} thread${threads === 1 ? '' : 's'}): ${peer.kind}: ${peer.message}`);
          continue;
        }
        if (threads > 1) console.log(`  PyTorch on ${threads} threads: the faster run kept is OMP_WAIT_POLICY ${peer.ompWait === 'passive' ? 'PASSIVE' : 'default (spinning)'}`);
        const ph = peer.phases;
        const stepSeconds = ph !== null ? ph.data + ph.augmentation + ph.forwardBackward + ph.optimiser : Number.NaN;
        const peerSamples = ((peer.steps ?? Number.NaN) * batch) / stepSeconds;
        line(`recipe-${name}-pytorch${suffix}-samples-per-s`, peerSamples, 'samples/s');
        line(`recipe-${name}-pytorch${suffix}-seconds`, peer.wallSeconds, 's');
        line(`recipe-${name}-pytorch${suffix}-knn`, peer.knn, 'accuracy');
        // At equal core counts: ours on 1 thread against PyTorch on 1, ours on every core against PyTorch on every core.
        const same = threads === 1 ? ours : oursAll;
        line(`recipe-${name}-samples-vs-pytorch${suffix}`, samplesPerSecond(same) / peerSamples, 'ratio');
        line(`recipe-${name}-wall-vs-pytorch${suffix}`, peer.wallSeconds / same.wallSeconds, 'ratio');
        // Ours on every core against one-thread PyTorch (issue 17's "both cores" target).
        if (threads === 1) {
          line(`recipe-${name}-${cores}threads-samples-vs-pytorch-1thread`, oursAllSamples / peerSamples, 'ratio');
          line(`recipe-${name}-${cores}threads-wall-vs-pytorch-1thread`, peer.wallSeconds / oursAll.wallSeconds, 'ratio');
        }
      }
      printTable(name, ours, oursAll, cores, one);
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
