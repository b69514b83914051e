// The Python interpreter the PyTorch engine runs on, and whether it has a usable torch — found out
// before a run starts, so a missing or too old torch is a message with the install command, not a
// run directory that failed.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Oldest torch the engine runs on (Debian's python3-torch 1.13 is what CI installs). */
export const MIN_TORCH: readonly [number, number] = [1, 13];

/** engines/pytorch, put on PYTHONPATH (dist/cli.js and server/trainer/engines/ are both two or three folders below the root). */
export function enginePackageRoot(): string {
  for (const up of ['..', join('..', '..'), join('..', '..', '..')]) {
    const candidate = join(__dirname, up, 'engines', 'pytorch');
    if (existsSync(join(candidate, 'contrastive_lab_torch', 'engine.py'))) return candidate;
  }
  throw new PythonEngineError(`cannot find engines/pytorch/contrastive_lab_torch next to ${__dirname}; the PyTorch engine ships with the Contrastive Lab repository and extension.`);
}

export class PythonEngineError extends Error {}

/** The interpreter: the one asked for (contrastiveLab.pythonPath), else env CONTRASTIVE_LAB_PYTHON, else /usr/bin/python3 where it exists, else python3 on the PATH. */
export function choosePython(requested: string | null, env: NodeJS.ProcessEnv = process.env): string {
  if (requested !== null && requested !== '') return requested;
  const fromEnv = env['CONTRASTIVE_LAB_PYTHON'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/**
 * The one command that installs torch for `python`: Debian's package for the system interpreter
 * (its pip refuses system-wide installs, PEP 668), else pip for that very interpreter.
 */
export function installCommand(python: string): string {
  if (python === '/usr/bin/python3' && existsSync('/etc/debian_version')) return 'sudo apt-get install -y python3-torch';
  const quoted = /^[\w@%+=:,./-]+$/.test(python) ? python : `'${python.replace(/'/g, `'\\''`)}'`;
  return `${quoted} -m pip install "torch>=${MIN_TORCH.join('.')}" numpy`;
}

const INSTALL = 'Install it with `sudo apt-get install python3-torch` (Debian/Ubuntu) or `python3 -m pip install "torch>=1.13"`, or point contrastiveLab.pythonPath (env CONTRASTIVE_LAB_PYTHON) at an interpreter that has it.';

/** `1.13.0a0` → [1, 13]; null when it does not start with two numbers. */
export function torchMajorMinor(version: string): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  return m === null ? null : [Number(m[1]), Number(m[2])];
}

/** The environment the engine runs in: PYTHONPATH with the engine package first. */
export function engineEnv(packageRoot: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, PYTHONPATH: env['PYTHONPATH'] ? `${packageRoot}:${env['PYTHONPATH']}` : packageRoot, PYTHONUNBUFFERED: '1' };
  // Set on some machines for tfjs' sake; they halve torch's matmul speed (engines/pytorch/README.md).
  delete out['OPENBLAS_CORETYPE'];
  delete out['OPENBLAS_L2_SIZE'];
  return out;
}

/**
 * Checks that `python` runs and imports torch ≥ 1.13 (and numpy); resolves to torch's version or
 * rejects with a PythonEngineError saying what to install. Asynchronous, so the launcher loads the
 * data meanwhile (importing torch takes seconds).
 */
export function probeTorch(python: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      try {
        resolve(torchVerdict(python, error, stdout, stderr));
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** torch's version from what `python` printed and how it ended (error: its exit, null when it ran); throws a PythonEngineError saying what to install. */
export function torchVerdict(python: string, error: (Error & { code?: string | number | null }) | null, stdout: string, stderr: string): string {
  if (error !== null && typeof error.code !== 'number') {
    throw new PythonEngineError(error.code === 'ENOENT' ? `run.engine pytorch needs Python 3 with torch, but "${python}" was not found. Install Python 3 and torch, or set contrastiveLab.pythonPath (env CONTRASTIVE_LAB_PYTHON) to the interpreter to use. ${INSTALL}` : `run.engine pytorch: "${python}" could not be started (${error.message}).`);
  }
  if (error !== null) {
    const last = stderr.trim().split('\n').pop() ?? '';
    const what = /No module named '?numpy/.test(last) ? 'numpy' : 'torch';
    throw new PythonEngineError(`run.engine pytorch: ${python} cannot import ${what} (${last || `exit ${error.code}`}). ${what === 'numpy' ? 'Install numpy (`sudo apt-get install python3-numpy` or `python3 -m pip install numpy`).' : INSTALL}`);
  }
  const version = stdout.trim().split('\n').pop() ?? '';
  const mm = torchMajorMinor(version);
  if (mm === null || mm[0] < MIN_TORCH[0] || (mm[0] === MIN_TORCH[0] && mm[1] < MIN_TORCH[1])) {
    throw new PythonEngineError(`run.engine pytorch needs torch ≥ ${MIN_TORCH.join('.')}, but ${python} has torch ${version || '(unknown version)'}. ${INSTALL}`);
  }
  return version;
}
