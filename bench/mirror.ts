// Launching the PyTorch mirror (engines/pytorch) on an exported split, shared by `npm run quality`
// (bench/quality.ts) and the recipes section of `npm run bench` (bench/recipes.ts). The mirror runs
// at its best: the environment of bench/simclr.ts's peer (OpenBLAS overrides removed for the child
// alone, every thread count pinned) plus PYTHONPATH.
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pytorchEnv, type OmpWait } from './simclr';

const repo = resolve(__dirname, '..');
export const PYTHON = '/usr/bin/python3';

export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall seconds from spawn to exit. */
  readonly seconds: number;
}

/** Runs a command to its exit; with `timeoutSeconds`, kills it (SIGKILL, code 128) after that long. */
export function runProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutSeconds: number | null = null): Promise<ProcessResult> {
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn(command, args, { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = timeoutSeconds !== null ? setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000) : null;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('close', (code, signal) => {
      if (timer !== null) clearTimeout(timer);
      done({ code: code ?? (signal !== null ? 128 : 1), stdout, stderr, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

/** The mirror's environment: the honest peer's (bench/simclr.ts) with `threads` threads, and the package on PYTHONPATH. */
export function mirrorEnv(threads: number, base: NodeJS.ProcessEnv = process.env, ompWait: OmpWait = 'default'): NodeJS.ProcessEnv {
  return { ...pytorchEnv(threads, base, ompWait), PYTHONPATH: join(repo, 'engines', 'pytorch') };
}

/** torch's version when /usr/bin/python3 imports torch and numpy, else why it cannot. */
export function torchAvailable(): { version: string } | { missing: string } {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { env: mirrorEnv(1), encoding: 'utf8' });
  if (r.error !== undefined) return { missing: `${PYTHON} could not be run (${r.error.message})` };
  if (r.status !== 0) return { missing: `${PYTHON} cannot import torch/numpy: ${(r.stderr.trim().split('\n').pop() ?? '').trim()}` };
  return { version: r.stdout.trim() };
}

/** The mirror's seconds per phase of its run (trainer.py `phases`). */
export interface MirrorPhases {
  readonly data: number;
  readonly augmentation: number;
  readonly forwardBackward: number;
  readonly optimiser: number;
  readonly evaluation: number;
}

export type MirrorResult =
  | { kind: 'ok'; knn: number; epochs: number; steps: number | null; seconds: number; wallSeconds: number; phases: MirrorPhases | null; ompWait: OmpWait }
  | { kind: 'unsupported' | 'failed'; message: string };

export interface MirrorOptions {
  readonly epochs?: number | null;
  readonly ompWait?: OmpWait;
  /** Kill the run after this many seconds (it then fails). */
  readonly timeoutSeconds?: number | null;
}

/** `python3 -m contrastive_lab_torch.mirror` on a resolved spec and its exported split; its final {"done": true} line. */
export async function trainMirror(specJson: string, splitDir: string, threads: number, options: MirrorOptions = {}): Promise<MirrorResult> {
  const epochs = options.epochs ?? null;
  const ompWait = options.ompWait ?? 'default';
  const args = ['-m', 'contrastive_lab_torch.mirror', '--spec', specJson, '--data', splitDir, '--threads', String(threads), ...(epochs !== null ? ['--epochs', String(epochs)] : [])];
  const r = await runProcess(PYTHON, args, mirrorEnv(threads, process.env, ompWait), options.timeoutSeconds ?? null);
  const lastErr = r.stderr.trim().split('\n').pop() ?? '';
  if (r.code === 2) return { kind: 'unsupported', message: lastErr };
  for (const line of r.stdout.split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    let m: { done?: boolean; knnAccuracy?: number; epochs?: number; seconds?: number; steps?: number; phases?: MirrorPhases };
    try {
      m = JSON.parse(line) as typeof m;
    } catch {
      continue;
    }
    if (m.done === true && typeof m.knnAccuracy === 'number' && r.code === 0) {
      return { kind: 'ok', knn: m.knnAccuracy, epochs: m.epochs ?? epochs ?? 0, steps: m.steps ?? null, seconds: m.seconds ?? r.seconds, wallSeconds: r.seconds, phases: m.phases ?? null, ompWait };
    }
  }
  return { kind: 'failed', message: `exit ${r.code}: ${lastErr}` };
}
