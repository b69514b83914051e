// The PyTorch engine's launcher: what `contrastive-lab train` / `resume` do for run.engine pytorch.
// It starts the engine process first (engineProcess.ts: it imports torch while the data loads, and
// says which torch it has), loads the data with the trainer's loader and exports the split
// (exportSplit.ts) with the sample ids and class names, asks that process whether the engine
// implements every ingredient (exit 2 names the field), creates the run directory and tells the same
// process to train; it writes the run directory itself (run.json, metrics, events, checkpoints,
// embeddings with their PCA map). Several processes are started afresh (launch.ts). Its lines are
// shown as the tfjs trainer shows its own; SIGTERM/SIGINT are passed on (the engine checkpoints and
// stops). After a completed run the launcher adds the UMAP map (when asked) and the sprite sheet,
// rendered while the engine trained.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { TokenizerJson } from '../../contrastive/towers/tokenizer';
import type { EvalMetric, MetricLine, RunEvent } from '../../runs/format';
import { parseJsonObject, readJsonLines } from '../../runs/jsonl';
import { runPaths } from '../../runs/paths';
import { effectiveStatus, readRunRecord, updateRunRecord, waitsInQueue } from '../../runs/record';
import { writeJsonAtomic } from '../../shared/atomic';
import { readJsonObject } from '../../shared/files';
import { float32ToLittleEndian } from '../../runs/embeddings';
import { readInitSource } from '../../spec/initSource';
import { towersOnEngine } from '../../spec/towerFacts';
import type { ResolvedSpec } from '../../spec/types';
import { Reporter, type OutputMode } from '../reporter';
import { createRunDirectory } from '../runDirectory';
import { ResumeError } from '../resumeError';
import type { SessionOutcome } from '../session';
import type { StopSignal } from '../stop';
import { EngineProcess, type EngineExit, type EnginePlan } from './engineProcess';
import { launchPlan, type LaunchPlan } from './launch';
import type { SpriteSheet } from './projections';
import { choosePython, enginePackageRoot, engineEnv, PythonEngineError } from './python';

export { PythonEngineError } from './python';

export interface PyTorchControls {
  readonly mode: OutputMode;
  readonly stop: StopSignal;
  readonly umap: boolean;
  /** Torch intra-op threads (--threads) shared by the processes; 0 = every core, null = the spec's run.threads. */
  readonly threads: number | null;
  /** Processes that train together (--processes); absent = the spec's run.processes. */
  readonly processes?: number;
  /** Where torch trains (--device: auto | cpu | cuda | cuda:N | mps); absent = the spec's run.device. */
  readonly device?: string;
  /** contrastiveLab.pythonPath; null = env CONTRASTIVE_LAB_PYTHON, else /usr/bin/python3, else python3. */
  readonly python: string | null;
  /** Called after each step line the engine reports, e.g. to request a stop. */
  readonly onStep?: (step: number) => void;
  /** The engine process started ahead (startEngineEarly), with this `python`; absent = started here. */
  readonly engine?: EngineProcess;
}

/**
 * Starts the engine process before anything else is known (the CLI does it while it checks the spec:
 * importing torch is the longest wait of a run); hand it to trainWithPyTorch as `controls.engine`, or
 * close() it when the run does not happen.
 */
export function startEngineEarly(python: string | null): EngineProcess {
  return EngineProcess.start(choosePython(python), engineEnv(enginePackageRoot()));
}

export interface NewPyTorchRun {
  readonly spec: ResolvedSpec;
  readonly specPath: string;
  readonly specText: string;
  /** Folder holding run directories; null = the spec's run.outputDir next to the spec file. */
  readonly outRoot: string | null;
}

/** Exit code of the engine for an ingredient it does not implement (its stderr names the field). */
const UNSUPPORTED = 2;

/** Signals that end the engine from outside without a crash of its own: the run is interrupted, not failed. */
const KILLED_FROM_OUTSIDE: ReadonlySet<NodeJS.Signals> = new Set(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP']);

interface EmbeddingMaps {
  readonly count: number;
  sprite(): Promise<SpriteSheet | null>;
}

interface Prepared {
  readonly python: string;
  readonly packageRoot: string;
  /** The engine process, torch imported and the spec checked, waiting for its run. */
  readonly engine: EngineProcess;
  /** What the maps need of the data: the final embeddings' rows and their thumbnails. */
  readonly maps: EmbeddingMaps;
  /** A two-tower run's tokenizers by side (written beside spec.json), else empty. */
  readonly tokenizers: Readonly<Record<string, TokenizerJson>>;
  readonly splitDir: string;
  /** What the engine's check says the run will use (processes, devices); null from an engine that does not say. */
  readonly plan: EnginePlan | null;
}

/** The engine process imports torch while the data loads (image folders cached in cacheDir, as the tfjs trainer does); then the split is exported and the engine checks the spec. */
async function prepare(spec: ResolvedSpec, specDir: string, cacheDir: string, controls: PyTorchControls): Promise<Prepared> {
  // What of two towers this engine lacks (TOWERS_FACTS): refused before torch starts, never trained as one network on data.source.
  const towers = towersOnEngine(spec, 'pytorch');
  if (towers !== null) throw new PythonEngineError(`run.engine pytorch: ${towers}. Choose another ingredient, or train with run.engine: tfjs (\`--engine tfjs\`).`);
  const paired = spec.architecture.towers !== null || spec.data.pairs !== null;
  const device = deviceOf(spec, controls);
  const python = choosePython(controls.python);
  const packageRoot = enginePackageRoot();
  const engine = controls.engine ?? EngineProcess.start(python, engineEnv(packageRoot));
  const splitDir = mkdtempSync(join(tmpdir(), 'contrastive-lab-split-'));
  // Loaded and exported while torch is imported (the longer wait); the loader and the image decoder it
  // brings are loaded only once the engine has started.
  const exported = (async (): Promise<{ maps: EmbeddingMaps; tokenizers: Readonly<Record<string, TokenizerJson>> }> => {
    if (paired) {
      // Two towers: the pairs, side b as the run's tokenizer's ids (exportTowerSplit.ts).
      const { writeTowerSplit } = await import('./exportTowerSplit');
      const towerSplit = await writeTowerSplit(spec, specDir, splitDir);
      writeFileSync(join(splitDir, 'spec.json'), JSON.stringify(spec));
      return { maps: { count: towerSplit.embeddingCount, sprite: () => towerSplit.sprite() }, tokenizers: towerSplit.tokenizers };
    }
    const [{ loadData }, { writeLoadedSplit }, { renderDataSprite }] = await Promise.all([import('../../contrastive/data/load'), import('../exportSplit'), import('./projections')]);
    const data = await loadData(spec.data, { specDir, cacheDir });
    writeLoadedSplit(data, splitDir);
    const { dataset } = data;
    writeFileSync(join(splitDir, 'dataset.json'), JSON.stringify({ source: dataset.source, kind: dataset.kind, count: dataset.count, ids: dataset.ids, classNames: dataset.classNames }));
    writeFileSync(join(splitDir, 'spec.json'), JSON.stringify(spec));
    return { maps: { count: dataset.count, sprite: () => renderDataSprite(dataset) }, tokenizers: {} };
  })();
  try {
    const [{ maps, tokenizers }] = await Promise.all([exported, engine.ready()]);
    const check = await engine.check(['--check', '--spec', join(splitDir, 'spec.json'), '--data', splitDir, '--device', device, '--processes', String(processesOf(spec, controls))]);
    if (check.code !== 0) {
      const said = check.stderr.trim() || `exit ${check.code}`;
      throw new PythonEngineError(check.code === UNSUPPORTED ? `run.engine pytorch: ${said}. Choose another ingredient, or train with run.engine: tfjs (\`--engine tfjs\`).` : `run.engine pytorch: the engine refused the spec: ${said}`);
    }
    return { python, packageRoot, engine, maps, tokenizers, splitDir, plan: check.plan };
  } catch (e) {
    engine.close();
    const removeSplit = (): void => rmSync(splitDir, { recursive: true, force: true });
    removeSplit();
    void exported.then(removeSplit, removeSplit); // once a load still under way has ended: it may have written files since
    throw e;
  }
}

export async function trainWithPyTorch(run: NewPyTorchRun, controls: PyTorchControls, onCreated: (runDir: string) => void = () => undefined): Promise<SessionOutcome> {
  const specPath = resolve(run.specPath);
  const specDir = dirname(specPath);
  const root = run.outRoot !== null ? resolve(run.outRoot) : resolve(specDir, run.spec.run.outputDir);
  const prepared = await prepare(run.spec, specDir, join(root, '.cache'), controls);
  try {
    const init = run.spec.init !== null ? await initArgs(run.spec.init.from, specDir, prepared.splitDir) : [];
    const { dir } = createRunDirectory(root, run.spec, specPath, run.specText, run.spec.strategy.epochs);
    // As the tfjs trainer (towerSession.ts): the text tower's vocabulary beside spec.json.
    for (const [side, tokenizer] of Object.entries(prepared.tokenizers)) writeJsonAtomic(join(dir, `tokenizer-${side}.json`), tokenizer);
    onCreated(dir);
    return await runEngine(dir, run.spec, prepared, controls, false, init);
  } finally {
    prepared.engine.close();
    rmSync(prepared.splitDir, { recursive: true, force: true });
  }
}

/** Continues a stopped, interrupted or failed PyTorch run from its newest intact checkpoint. */
export async function resumeWithPyTorch(runDir: string, controls: PyTorchControls): Promise<SessionOutcome> {
  runDir = resolve(runDir);
  const record = readRunRecord(runDir);
  const status = effectiveStatus(record);
  if (status === 'running' || (status === 'queued' && !waitsInQueue(record))) throw new ResumeError(`${runDir}: run ${record.id} is still ${status} (pid ${record.pid}); stop it first (SIGTERM) or wait for it to end.`);
  if (status === 'completed') throw new ResumeError(`${runDir}: run ${record.id} has completed; there is nothing to resume. Start a new run with \`contrastive-lab train\`.`);
  if (!existsSync(runPaths(runDir).specJson)) throw new ResumeError(`${runPaths(runDir).specJson}: missing; this run cannot be resumed without the spec it trained.`);
  const spec = readJsonObject<ResolvedSpec>(runPaths(runDir).specJson, 'recorded spec');
  const prepared = await prepare(spec, dirname(record.specPath), join(dirname(runDir), '.cache'), controls);
  try {
    updateRunRecord(runDir, { status: 'queued', pid: process.pid });
    return await runEngine(runDir, spec, prepared, controls, true);
  } finally {
    prepared.engine.close();
    rmSync(prepared.splitDir, { recursive: true, force: true });
  }
}

/**
 * The engine's arguments for `init.from` (a new run; a resumed one has the weights in its checkpoint):
 * the run directory, resolved as the tfjs trainer resolves it. A PyTorch run's checkpoint is read by
 * the engine; a tfjs run's weights are read here with the tfjs loader (initFrom.ts: named as its
 * network names them) and handed over as <split>/init-weights.{json,f32}. A run that cannot give
 * weights is said before the run directory exists.
 */
async function initArgs(from: string, specDir: string, splitDir: string): Promise<string[]> {
  const source = readInitSource(from, specDir);
  if (!source.ok) throw new PythonEngineError(`init.from: ${source.problem}`);
  if (readRunRecord(source.runDir).engine === 'pytorch') return ['--init-from', source.runDir];
  const { readRunWeights, InitError } = await import('../initFrom');
  let weights;
  try {
    weights = readRunWeights(source.runDir);
  } catch (e) {
    if (e instanceof InitError) throw new PythonEngineError(`init.from: ${e.message}`);
    throw e;
  }
  const values = new Float32Array(weights.weights.reduce((n, w) => n + w.values.length, 0));
  let offset = 0;
  const listed = weights.weights.map((w) => {
    values.set(w.values, offset);
    offset += w.values.length;
    return { name: w.name, shape: w.shape, offset: offset - w.values.length, length: w.values.length };
  });
  const manifest = join(splitDir, 'init-weights.json');
  writeFileSync(join(splitDir, 'init-weights.f32'), float32ToLittleEndian(values));
  writeFileSync(manifest, JSON.stringify({ checkpoint: weights.checkpoint, weights: listed }));
  return ['--init-from', source.runDir, '--init-weights', manifest];
}

async function runEngine(runDir: string, spec: ResolvedSpec, prepared: Prepared, controls: PyTorchControls, resume: boolean, init: readonly string[] = []): Promise<SessionOutcome> {
  const record = readRunRecord(runDir);
  const reporter = new Reporter(runDir, record.id, controls.mode);
  if (controls.stop.requested) {
    // Asked while the data loaded: nothing trained yet, nothing to start.
    reporter.event('info', 'stopping', `stop requested (${controls.stop.reason}) before training began`, { step: record.step });
    const stopped = updateRunRecord(runDir, { status: 'stopped', pid: null, endedAt: new Date().toISOString() });
    reporter.event('info', 'stopped', `run stopped at step ${stopped.step}; continue with: contrastive-lab resume ${runDir}`, { step: stopped.step, data: { runDir } });
    return { status: 'stopped', runDir, record: stopped, lastEval: null };
  }
  // Runs recorded before run.threads / run.processes existed use every core and one process, as their defaults do.
  const requested = controls.threads ?? spec.run.threads ?? 0;
  const processes = processesOf(spec, controls);
  const threads = Math.max(1, Math.floor((requested > 0 ? requested : availableParallelism()) / processes));
  if (prepared.plan !== null) reporter.say(describePlan(prepared.plan, threads));
  const engineArgs = ['--run-dir', runDir, '--data', prepared.splitDir, '--threads', String(threads), '--device', deviceOf(spec, controls), ...(resume ? ['--resume'] : []), ...init];
  const progress = new ProgressEcho(reporter, controls.mode, runDir, record.epochs, spec.strategy.batchSize);
  // The stop signal is a flag (set by the CLI's SIGTERM/SIGINT handlers, or by onStep): passed on once,
  // after the engine's first line (by then its own handler is installed; before, SIGTERM would kill it).
  let ready = false;
  let forwarded = false;
  const forwardStop = (): void => {
    if (ready && controls.stop.requested && !forwarded) {
      forwarded = true;
      for (const c of children) c.kill('SIGTERM'); // every rank (torchrun passes it on to its own); they agree on the step to stop at
    }
  };
  // The sprite sheet depends on the data alone: rendered while the engine trains (started once the
  // engine has its run: drawing the thumbnails holds this thread for a while). The maps are added as
  // soon as the engine says the run completed (its files are all written by then), while it exits.
  let sprite: Promise<SpriteSheet | null> | null = null;
  const renderSprite = (): Promise<SpriteSheet | null> => {
    if (sprite === null) {
      sprite = prepared.maps.sprite();
      sprite.catch(() => undefined); // a failed rendering is reported where it is awaited, after a completed run
    }
    return sprite;
  };
  let maps: Promise<string[]> | null = null;
  const addMaps = (): Promise<string[]> =>
    (maps ??= Promise.all([renderSprite(), import('./projections')]).then(([sheet, { addProjections }]) => addProjections(runDir, prepared.maps.count, sheet, { seed: spec.strategy.seed, umap: controls.umap, backend: spec.run.backend })));
  const onLine = (line: string): void => {
    const step = progress.take(line);
    if (step !== null) controls.onStep?.(step);
    else if (line.includes('completed') && isCompletedEvent(line)) addMaps().catch(() => undefined); // awaited (and its failure reported) below
    forwardStop();
  };
  let children: ChildProcess[];
  let ended: Promise<{ exits: EngineExit[]; stderr: string }>;
  if (processes === 1) {
    // The process that imported torch and checked the spec trains: its StopFlag is installed already.
    const { engine } = prepared;
    engine.run(engineArgs, onLine);
    children = [engine.child];
    ready = true;
    ended = engine.closed.then((exit) => ({ exits: [exit], stderr: engine.errorOutput }));
  } else {
    const plan = await launchPlan(prepared.python, ['-m', 'contrastive_lab_torch.engine', ...engineArgs], processes, engineEnv(prepared.packageRoot));
    if (plan.note !== null) reporter.event('info', 'log', plan.note, { data: { launcher: plan.launcher, processes } });
    if (plan.launcher === 'env') {
      // The engine that imported torch and checked the spec is rank 0 (told its rendezvous variables):
      // one Python start and torch import fewer; the other ranks are started as the plan says.
      const { engine } = prepared;
      const [first, ...rest] = plan.commands;
      const others = rest.map((c) => spawn(c.command, c.args, { env: c.env, stdio: ['ignore', 'ignore', 'pipe'] }));
      engine.run(engineArgs, onLine, rendezvousOf(first!.env));
      children = [engine.child, ...others];
      ready = true;
      ended = Promise.all([engine.closed, collectExits(others, () => undefined, () => undefined)]).then(([exit, other]) => ({ exits: [exit, ...other.exits], stderr: engine.errorOutput + other.stderr }));
    } else {
      prepared.engine.close();
      const started = startAll(plan);
      children = started;
      ended = collectExits(started, onLine, () => {
        ready = true; // after rank 0's first line its own handler is installed (before, SIGTERM would kill it)
      });
    }
  }
  setImmediate(() => void renderSprite());
  const poll = setInterval(forwardStop, 100);
  const { exits, stderr } = await ended;
  clearInterval(poll);
  // The first process that did not end well says why (rank 0's, when all did).
  const exit = exits.find((e) => e.error !== undefined || e.code !== 0) ?? exits[0]!;
  let final = readRunRecord(runDir);
  if ((final.status === 'running' || final.status === 'queued') && exit.signal !== null && KILLED_FROM_OUTSIDE.has(exit.signal)) {
    // Killed before it could record an end (kill -9, the OOM killer, a signal before its handler was
    // installed): as a killed tfjs trainer, the run is interrupted, not failed — the recorded status
    // stays and, with no live pid, reads `interrupted`; resume continues from its last checkpoint.
    final = updateRunRecord(runDir, { pid: null });
    const at = final.lastCheckpoint !== null ? `its last checkpoint (${final.lastCheckpoint})` : 'the start (no checkpoint was written yet)';
    reporter.event('warning', 'log', `the PyTorch engine was killed by ${exit.signal} at step ${final.step}; the run is interrupted: \`contrastive-lab resume ${runDir}\` continues it from ${at}`, { step: final.step, data: { signal: exit.signal, runDir } });
  } else if (final.status === 'running' || final.status === 'queued') {
    // The engine died without recording an end (crashed in the interpreter): say why, keep what it wrote.
    const why = exit.error?.message ?? (exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.code}`);
    const last = stderr.trim().split('\n').slice(-3).join(' | ');
    const message = `the PyTorch engine ended without finishing the run (${why})${last ? `: ${last}` : ''}`;
    final = updateRunRecord(runDir, { status: 'failed', pid: null, endedAt: new Date().toISOString(), error: { kind: 'other', message, where: 'the PyTorch engine process' } });
    reporter.event('error', 'failed', `run failed: ${message}`, { data: { where: 'the PyTorch engine process' } });
  } else if (final.status === 'completed') {
    const written = await addMaps();
    reporter.event('info', 'embeddings', `embeddings maps written: ${written.join(', ')}`, { step: final.step, data: { files: written } });
  } else if (exit.code !== 0 && final.status === 'failed' && stderr.trim() !== '' && controls.mode !== 'json') {
    // A traceback or message the engine printed besides its failed event: the user sees it once.
    process.stderr.write(stderr.endsWith('\n') ? stderr : `${stderr}\n`);
  }
  const evals = readJsonLines<MetricLine>(runPaths(runDir).metrics).lines.filter((l): l is EvalMetric => l.kind === 'eval');
  return { status: final.status === 'completed' || final.status === 'stopped' ? final.status : 'failed', runDir, record: final, lastEval: evals[evals.length - 1] ?? null };
}

/** The env:// rendezvous variables of a launch command (what rank 0's process is told to set). */
function rendezvousOf(env: NodeJS.ProcessEnv): Record<string, string> {
  const names = ['MASTER_ADDR', 'MASTER_PORT', 'RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE'];
  return Object.fromEntries(names.flatMap((n) => (env[n] !== undefined ? [[n, env[n]!]] : [])));
}

function isCompletedEvent(line: string): boolean {
  const parsed = parseJsonObject(line) as RunEvent | undefined;
  return parsed?.kind === 'event' && parsed.event === 'completed';
}

/** The processes that train: the CLI's --processes, else the spec's (runs recorded before run.processes existed: 1). */
function processesOf(spec: ResolvedSpec, controls: PyTorchControls): number {
  return controls.processes ?? spec.run.processes ?? 1;
}

/** `PyTorch engine: torch 1.13.0, 2 processes on cpu (DistributedDataParallel, gloo), 1 thread each`. */
export function describePlan(plan: EnginePlan, threads: number): string {
  const devices = [...new Set(plan.devices)].join(', ');
  const threadText = `${threads} thread${threads === 1 ? '' : 's'}`;
  return plan.processes === 1
    ? `PyTorch engine: torch ${plan.torch}, 1 process on ${devices}, ${threadText}`
    : `PyTorch engine: torch ${plan.torch}, ${plan.processes} processes on ${devices} (DistributedDataParallel, ${plan.distributedBackend ?? 'gloo'}), ${threadText} each`;
}

/** The run's --device: the CLI's, else the spec's (runs recorded before run.device existed: auto). */
function deviceOf(spec: ResolvedSpec, controls: PyTorchControls): string {
  return controls.device ?? spec.run.device ?? 'auto';
}

/** Starts the plan's processes; rank 0's stdout carries the run's lines (the other ranks write nothing). */
function startAll(plan: LaunchPlan): ChildProcess[] {
  return plan.commands.map((c, rank) => spawn(c.command, c.args, { env: c.env, stdio: ['ignore', rank === 0 ? 'pipe' : 'ignore', 'pipe'] }));
}

/** Rank 0's stdout lines to `onLine` (`onFirst` at its first output), every process's stderr, and how each ended. */
async function collectExits(children: readonly ChildProcess[], onLine: (line: string) => void, onFirst: () => void): Promise<{ exits: EngineExit[]; stderr: string }> {
  let stderr = '';
  let pending = '';
  children[0]!.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    onFirst();
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      onLine(line);
    }
  });
  for (const c of children) {
    c.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
  }
  const exits = await Promise.all(children.map((c) => new Promise<EngineExit>((done) => {
    c.on('error', (error: NodeJS.ErrnoException) => done({ code: null, signal: null, error }));
    c.on('close', (code, signal) => done({ code, signal }));
  })));
  if (pending.trim() !== '') onLine(pending);
  return { exits, stderr };
}

/** Shows the engine's stdout lines like the tfjs trainer's own: progress bar, evaluations, events. */
class ProgressEcho {
  private stepsPerEpoch: number | null = null;
  private segmentStart: number | null = null;
  private stepsThisSegment = 0;

  constructor(
    private readonly reporter: Reporter,
    private readonly mode: OutputMode,
    private readonly runDir: string,
    private readonly epochs: number,
    private readonly batchSize: number,
  ) {}

  /** Shows one line; returns its step when it is a step line. */
  take(text: string): number | null {
    const line = parseJsonObject(text) as (MetricLine | RunEvent) | undefined;
    if (line === undefined || typeof line.kind !== 'string') return null;
    // A `nan` error is repeated by the `failed` event that follows: the terminal shows it once (as the tfjs trainer does).
    if (line.kind === 'event' && line.event === 'nan' && this.mode !== 'json') return null;
    this.reporter.echo(line);
    if (line.kind !== 'step') return null;
    if (this.mode === 'json') return line.step;
    this.stepsPerEpoch ??= readRunRecord(this.runDir).stepsPerEpoch;
    const perEpoch = this.stepsPerEpoch ?? 1;
    const now = Date.now() / 1000;
    this.segmentStart ??= now - this.batchSize / Math.max(line.samplesPerSec, 1e-9);
    this.stepsThisSegment++;
    const perStep = (now - this.segmentStart) / this.stepsThisSegment;
    this.reporter.progress({ epoch: line.epoch, epochs: this.epochs, stepInEpoch: line.step - (line.epoch - 1) * perEpoch, stepsPerEpoch: perEpoch, loss: line.loss, samplesPerSec: line.samplesPerSec, etaSec: perStep * (this.epochs * perEpoch - line.step) });
    return line.step;
  }
}

/** The run directory's engine: pytorch runs are resumed by this launcher. */
export function isPyTorchRun(runDir: string): boolean {
  return existsSync(runPaths(runDir).runJson) && readRunRecord(runDir).engine === 'pytorch';
}
