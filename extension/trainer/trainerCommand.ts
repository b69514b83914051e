// Builds the command lines that run the trainer CLI (dist/cli.js). Kept free of VS Code so the
// argument rules are unit-tested.
import * as path from 'node:path';
import type { BackendRequest } from '../../server/contrastive/backend.decl';
import type { Engine } from '../../server/contrastive/declare';

/** The contrastiveLab.backend setting: the backends a run may ask for. */
export type BackendSetting = BackendRequest;

export interface TrainerEnvironment {
  /** Absolute path of the bundled CLI, dist/cli.js inside the extension. */
  readonly cliPath: string;
  /** contrastiveLab.nodePath; empty means the runtime running the extension host. */
  readonly nodePathSetting: string;
  /** process.execPath of the extension host. */
  readonly hostExecPath: string;
  readonly backend: BackendSetting;
  /** Absolute runs folder (contrastiveLab.runsFolder resolved against the workspace). */
  readonly runsFolder: string;
  /**
   * The Python interpreter for the PyTorch engine (contrastiveLab.pythonPath, else the Python
   * extension's), passed as env CONTRASTIVE_LAB_PYTHON; absent: the CLI's own lookup.
   */
  readonly python?: string;
}

export interface TrainerInvocation {
  readonly command: string;
  readonly args: readonly string[];
  /** Extra environment variables for the child. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

function runtime(env: TrainerEnvironment): { command: string; env: Record<string, string> } {
  const python: Record<string, string> = env.python !== undefined ? { CONTRASTIVE_LAB_PYTHON: env.python } : {};
  const custom = env.nodePathSetting.trim();
  if (custom.length > 0) return { command: custom, env: python };
  // In desktop VS Code the host's executable is Electron; this variable makes it behave as plain Node.
  return { command: env.hostExecPath, env: { ELECTRON_RUN_AS_NODE: '1', ...python } };
}

function backendArgs(backend: BackendSetting): string[] {
  return backend === 'auto' ? [] : ['--backend', backend];
}

/** Another CLI command line (`sweep`, `queue start|stop`), with the same runtime as training. */
export function cliInvocation(env: TrainerEnvironment, args: readonly string[], cwd: string): TrainerInvocation {
  const rt = runtime(env);
  return { command: rt.command, args: [env.cliPath, ...args], env: rt.env, cwd };
}

/**
 * `train <spec> --json --out <runsFolder> [--backend b] [--engine e]`, run from the spec's folder;
 * `engine` is given only for a spec that names none (the contrastiveLab.engine setting, engineChoice.ts).
 */
export function trainInvocation(env: TrainerEnvironment, specPath: string, engine?: Engine): TrainerInvocation {
  const rt = runtime(env);
  return {
    command: rt.command,
    args: [env.cliPath, 'train', specPath, '--json', '--out', env.runsFolder, ...backendArgs(env.backend), ...(engine !== undefined ? ['--engine', engine] : [])],
    env: rt.env,
    cwd: path.dirname(specPath),
  };
}

/** `resume <runDir> --json [--backend b]`. */
export function resumeInvocation(env: TrainerEnvironment, runDir: string): TrainerInvocation {
  const rt = runtime(env);
  return {
    command: rt.command,
    args: [env.cliPath, 'resume', runDir, '--json', ...backendArgs(env.backend)],
    env: rt.env,
    cwd: path.dirname(runDir),
  };
}

/** `export <runDir> --format projector --out <dir>`. */
export function exportInvocation(env: TrainerEnvironment, runDir: string, outDir: string): TrainerInvocation {
  const rt = runtime(env);
  return {
    command: rt.command,
    args: [env.cliPath, 'export', runDir, '--format', 'projector', '--out', outDir],
    env: rt.env,
    cwd: path.dirname(runDir),
  };
}

/** `search <runDir> <file>... -k K --json [--backend b]`: the gallery's search with files the run has not seen. */
export function searchInvocation(env: TrainerEnvironment, runDir: string, files: readonly string[], k: number): TrainerInvocation {
  const rt = runtime(env);
  return {
    command: rt.command,
    args: [env.cliPath, 'search', runDir, ...files, '-k', String(k), '--json', ...backendArgs(env.backend)],
    env: rt.env,
    cwd: path.dirname(runDir),
  };
}

/** `search <runDir> --text <text> -k K --json [--backend b]`: a two-tower run's text query (one process per query). */
export function textSearchInvocation(env: TrainerEnvironment, runDir: string, text: string, k: number): TrainerInvocation {
  const file = searchInvocation(env, runDir, [], k);
  // --text=<text>: a text that starts with '-' stays the value.
  return { ...file, args: [...file.args.slice(0, 3), `--text=${text}`, ...file.args.slice(3)] };
}

/** `neighbors <runDir> --serve [--backend b]`: the gallery's long-lived neighbour search. */
export function neighboursServeInvocation(env: TrainerEnvironment, runDir: string): TrainerInvocation {
  const rt = runtime(env);
  return {
    command: rt.command,
    args: [env.cliPath, 'neighbors', runDir, '--serve', ...backendArgs(env.backend)],
    env: rt.env,
    cwd: path.dirname(runDir),
  };
}

/** `map <runDir> --serve`: the map panel's projections and exact neighbours (no tensor library, so no backend). */
export function mapServeInvocation(env: TrainerEnvironment, runDir: string): TrainerInvocation {
  const rt = runtime(env);
  return { command: rt.command, args: [env.cliPath, 'map', runDir, '--serve'], env: rt.env, cwd: path.dirname(runDir) };
}

/** A shell-like rendering for the trainer log, so users can re-run the same command in a terminal. */
export function describeInvocation(inv: TrainerInvocation): string {
  const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return [inv.command, ...inv.args].map(quote).join(' ');
}
