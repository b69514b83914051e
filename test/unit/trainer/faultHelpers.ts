// Fault injection around one tiny trained run: copy its directory, damage one file (truncate it,
// delete it, fill it with garbage), then run the CLI (the built bundle, as a user would) on it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricLine, RunRecord } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { loadLatestCheckpoint } from '../../../server/trainer/checkpoint';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, writeSpec } from './helpers';

export const ROOT = join(__dirname, '../../..');
export const BIN = join(ROOT, 'bin/contrastive-lab.js');

export const FAULT_SPEC = `experiment: faults
data:
  source: builtin:digits
  limit: 600
  split: { testFraction: 0.2, seed: 0 }
pairs:
  positives: labels
  negatives: { type: batch }
distance: { type: cosine }
loss: { type: supCon, temperature: 0.1 }
architecture:
  backbone: { type: mlp, layers: [32] }
  representationSize: 16
  projection: { layers: [16, 8] }
strategy:
  optimizer: { type: adam, learningRate: 0.01 }
  epochs: 2
  batchSize: 100
  seed: 7
run:
  checkpointEvery: 1
`;

/** Steps of the base run (2 epochs × 4 steps) and its two checkpoints. */
export const TOTAL_STEPS = 8;
export const NEWEST = 'checkpoints/step-00000008';
export const OLDER = 'checkpoints/step-00000004';

/** Trains the one base run of a test file (completed, with embeddings and two checkpoints). */
export async function trainBaseRun(prefix: string): Promise<{ work: string; base: string; specPath: string }> {
  const work = tempDir(prefix);
  const { path, spec, text } = writeSpec(work, FAULT_SPEC, 'faults.contrastive.yaml');
  const outcome = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(work, 'runs') }, { mode: 'silent', backend: 'cpu', stop: manualStop(), umap: false });
  assert.equal(outcome.status, 'completed');
  return { work, base: outcome.runDir, specPath: path };
}

export type Fault = 'truncate' | 'delete' | 'garbage';
export const FAULTS: readonly Fault[] = ['truncate', 'delete', 'garbage'];

export function injectFault(file: string, fault: Fault): void {
  if (fault === 'delete') rmSync(file, { force: true });
  else if (fault === 'truncate') truncateSync(file, Math.floor(readFileSync(file).length / 2));
  else writeFileSync(file, Buffer.from('\u0000garbage{{[[ not what this file should hold ]]\u00ff'.repeat(7)));
}

let copies = 0;
export function copyRun(base: string, into: string): string {
  const dir = join(into, `run-${++copies}`);
  cpSync(base, dir, { recursive: true });
  return dir;
}

/** Marks a copied run stopped (as a stop during the final embeddings leaves it), so `resume` takes it. */
export function markStopped(runDir: string): void {
  const file = runPaths(runDir).runJson;
  const record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
  writeFileSync(file, JSON.stringify({ ...record, status: 'stopped', pid: null }, null, 2));
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly signal: NodeJS.Signals | null;
}

export function cli(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, timeout: options.timeoutMs ?? 90_000, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr, ms: Date.now() - started, signal: e?.signal ?? null });
    });
  });
}

/**
 * Runs command lines one after another in one driver process (see cliDriver.ts). A command that
 * hangs shows up as a missing result (the driver is killed after `timeoutMs`).
 */
export async function cliBatch(jobs: readonly (readonly string[])[], scratch: string, timeoutMs = 240_000): Promise<(CliResult | null)[]> {
  const jobsFile = join(scratch, `jobs-${++copies}.json`);
  const resultsFile = `${jobsFile}.results.jsonl`;
  writeFileSync(jobsFile, JSON.stringify(jobs.map((args) => ({ args }))));
  writeFileSync(resultsFile, '');
  await new Promise<void>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(__dirname, 'cliDriver.ts'), jobsFile, resultsFile], { cwd: ROOT, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, () => resolve());
  });
  const results: (CliResult | null)[] = jobs.map(() => null);
  for (const line of readFileSync(resultsFile, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as { i: number; code: number; stdout: string; stderr: string; ms: number };
    results[r.i] = { code: r.code, stdout: r.stdout, stderr: r.stderr, ms: r.ms, signal: null };
  }
  return results;
}

/** Runs async jobs at most `width` at a time (2 cores: two CLI processes at once). */
export async function pool<T>(jobs: readonly (() => Promise<T>)[], width = 2): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}

/**
 * The contract of every command on a damaged run: it recovers (exit 0) or fails with exit 1 and a
 * message naming the damaged file; never a hang, a crash by signal, or a stack trace.
 */
export function assertRecoversOrNames(what: string, r: CliResult, damaged: string): void {
  assert.equal(r.signal, null, `${what}: killed by ${r.signal} after ${r.ms} ms (a hang?)\n${r.stderr}`);
  assert.ok(r.code === 0 || r.code === 1, `${what}: exit ${r.code}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/, `${what}: stack trace\n${r.stderr}`);
  if (r.code === 1) assert.ok(r.stderr.includes(damaged), `${what}: failed without naming ${damaged}:\n${r.stderr}${r.stdout}`);
}

/** Steps of the metrics' step lines, in order. */
export function metricSteps(runDir: string): number[] {
  return readJsonLines<MetricLine>(runPaths(runDir).metrics)
    .lines.filter((l) => l.kind === 'step')
    .map((l) => l.step);
}

/** The newest checkpoint that still loads (its step), or null. */
export function intactStep(runDir: string): number | null {
  try {
    return loadLatestCheckpoint(runDir)?.state.position.step ?? null;
  } catch {
    return null;
  }
}

export function exists(path: string): boolean {
  return existsSync(path);
}
