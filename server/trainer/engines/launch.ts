// How the PyTorch engine's processes are started: one process alone; several through PyTorch's own
// launcher `torchrun` (python -m torch.distributed.run --standalone) where it starts, else (torch
// 1.13's torchrun fails at start under Python 3.11: `to_map`: 'NoneType' object has no attribute
// 'get') N processes given the env:// rendezvous variables torchrun would set: MASTER_ADDR 127.0.0.1,
// a free MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK. Either way the processes meet in
// torch.distributed's env:// rendezvous (engines/pytorch/contrastive_lab_torch/distributed.py).
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

export interface LaunchCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

export interface LaunchPlan {
  readonly launcher: 'single' | 'torchrun' | 'env';
  /** One command per process started here (torchrun: one, which starts the ranks); the first carries rank 0's output. */
  readonly commands: readonly LaunchCommand[];
  /** A one-line note for the run's events (why torchrun was not used), or null. */
  readonly note: string | null;
}

/** A TCP port free on 127.0.0.1 now (for MASTER_PORT). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address !== null && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port was assigned'))));
    });
  });
}

/** torch 1.x's torchrun under Python ≥ 3.11 fails at start (torch/distributed/elastic/multiprocessing/api.py `to_map`); read from the versions without importing torch. Null when the versions do not say. */
export function knownTorchrunProblem(python: string, env: NodeJS.ProcessEnv): string | null {
  const r = spawnSync(python, ['-c', 'import sys, importlib.metadata as m; print(sys.version_info[0], sys.version_info[1], m.version("torch"))'], { env, encoding: 'utf8', timeout: 30_000 });
  const m = /^(\d+) (\d+) (\d+)\.(\d+)/.exec(r.stdout ?? '');
  if (r.status !== 0 || m === null) return null;
  const [py, torch] = [[Number(m[1]), Number(m[2])], [Number(m[3]), Number(m[4])]] as const;
  return torch[0] < 2 && (py[0] > 3 || (py[0] === 3 && py[1] >= 11)) ? `torch ${torch.join('.')}'s torchrun fails at start under Python ${py.join('.')}: 'NoneType' object has no attribute 'get' in torch/distributed/elastic/multiprocessing/api.py` : null;
}

/** Whether `python -m torch.distributed.run` starts one trivial process; null when it does, else what it said. */
export function torchrunProblem(python: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const known = knownTorchrunProblem(python, env);
  if (known !== null) return Promise.resolve(known);
  return new Promise((resolve) => {
    execFile(python, ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '1', '--no_python', 'true'], { env, encoding: 'utf8', timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error === null) return resolve(null);
      const last = stderr.trim().split('\n').filter((l) => l.trim() !== '').pop()?.trim();
      resolve(last ?? error.message);
    });
  });
}

/** The commands that start `python <engineArgs>` on `processes` processes. */
export async function launchPlan(python: string, engineArgs: readonly string[], processes: number, env: NodeJS.ProcessEnv): Promise<LaunchPlan> {
  if (processes === 1) return { launcher: 'single', commands: [{ command: python, args: engineArgs, env }], note: null };
  const problem = await torchrunProblem(python, env);
  if (problem === null) {
    return { launcher: 'torchrun', commands: [{ command: python, args: ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', String(processes), ...engineArgs], env }], note: null };
  }
  const port = await freePort();
  const commands = Array.from({ length: processes }, (_, rank): LaunchCommand => ({
    command: python,
    args: engineArgs,
    env: { ...env, MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), RANK: String(rank), WORLD_SIZE: String(processes), LOCAL_RANK: String(rank), LOCAL_WORLD_SIZE: String(processes) },
  }));
  const note = `torchrun cannot start here (${problem}); started the ${processes} processes with the env:// rendezvous variables instead (MASTER_ADDR 127.0.0.1, MASTER_PORT ${port}, RANK, WORLD_SIZE, LOCAL_RANK)`;
  return { launcher: 'env', commands, note };
}
