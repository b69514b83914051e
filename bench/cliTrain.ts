// Training a spec through the CLI (`contrastive-lab train --json`) on either engine, as a user does,
// and reading back what the benches compare: the final kNN accuracy, the epochs that ran, the wall
// time of the whole command, the engine's own training time, and why it did not run. Shared by
// `npm run quality` (bench/quality.ts) and `npm run bench -- engines` (bench/engines.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EvalMetric, MetricLine } from '../server/runs/format';
import { readJsonLines } from '../server/runs/jsonl';
import { runPaths } from '../server/runs/paths';
import type { ResolvedSpec } from '../server/spec/types';
import type { Engine } from '../server/contrastive/declare';
import { runProcess } from './mirror';

const cli = join(resolve(__dirname, '..'), 'bin', 'contrastive-lab.js');

export interface CliTrainOptions {
  readonly engine: Engine;
  /** --epochs; null = the spec's. */
  readonly epochs?: number | null;
  /** --threads; null = the spec's run.threads. */
  readonly threads?: number | null;
  /** The CLI's environment (the PyTorch engine's child also drops the OpenBLAS overrides itself). */
  readonly env?: NodeJS.ProcessEnv;
}

export type CliTrainResult =
  /** trainSeconds: the engine's own clock at its last evaluation (training and evaluations, no start-up). */
  /** `knn`: the accuracy the floor checks — kNN accuracy, or a two-tower run's zero-shot accuracy (`measure` says which). */
  | { readonly kind: 'ok'; readonly knn: number; readonly measure: 'knn' | 'zero-shot'; readonly epochs: number; readonly wallSeconds: number; readonly trainSeconds: number; readonly runDir: string }
  /** The engine refused the spec before any run directory existed (an ingredient it lacks). */
  | { readonly kind: 'refused'; readonly message: string; readonly wallSeconds: number }
  | { readonly kind: 'failed'; readonly message: string; readonly wallSeconds: number; readonly runDir: string | null };

/** `train <spec> --out <out> --json --no-umap --engine E [--epochs N] [--threads T]`. */
export async function trainWithCli(spec: string, out: string, options: CliTrainOptions): Promise<CliTrainResult> {
  const args = [cli, 'train', spec, '--out', out, '--json', '--no-umap', '--engine', options.engine];
  if (options.epochs !== undefined && options.epochs !== null) args.push('--epochs', String(options.epochs));
  if (options.threads !== undefined && options.threads !== null) args.push('--threads', String(options.threads));
  const r = await runProcess(process.execPath, args, options.env ?? process.env);
  let runDir: string | null = null;
  let error = '';
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (m.kind !== 'event') continue;
    const data = m.data as Record<string, unknown> | undefined;
    if (typeof data?.runDir === 'string') runDir = data.runDir;
    if (m.level === 'error') error = String(m.message);
  }
  if (runDir === null) {
    let dirs: string[] = [];
    try {
      dirs = readdirSync(out).filter((d) => !d.startsWith('.'));
    } catch {
      // no runs folder: nothing was created
    }
    if (dirs.length === 1) runDir = join(out, dirs[0]!);
  }
  const said = r.stderr.trim().split('\n').pop() ?? '';
  if (runDir === null) {
    // Refused before a run directory existed: `<spec>: run.engine pytorch: <field> ... Choose another ingredient ...` (server/trainer/engines/pytorch.ts).
    const message = said.replace(/^.*?: (run\.engine )/, '$1') || `exit code ${r.code}`;
    return /Choose another ingredient|is not (mirrored|implemented)/.test(said) ? { kind: 'refused', message, wallSeconds: r.seconds } : { kind: 'failed', message, wallSeconds: r.seconds, runDir };
  }
  const evals = readJsonLines<MetricLine>(runPaths(runDir).metrics).lines.filter((l): l is EvalMetric => l.kind === 'eval');
  const last = evals[evals.length - 1];
  const accuracy = last?.knnAccuracy ?? last?.zeroShotAccuracy ?? null;
  if (r.code !== 0 || last === undefined || accuracy === null) {
    return { kind: 'failed', message: r.code !== 0 ? `exit ${r.code}: ${error || said}` : 'no kNN (or zero-shot) accuracy reported', wallSeconds: r.seconds, runDir };
  }
  let epochs = last.epoch;
  if (epochs === 0) epochs = (JSON.parse(readFileSync(runPaths(runDir).specJson, 'utf8')) as ResolvedSpec).strategy.epochs;
  return { kind: 'ok', knn: accuracy, measure: last.knnAccuracy !== null ? 'knn' : 'zero-shot', epochs, wallSeconds: r.seconds, trainSeconds: last.time, runDir };
}
