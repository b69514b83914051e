// Chooses the tensor backend: tfjs-node when it loads, else the wasm backend, else the CPU backend.
// Everyone imports the single tfjs instance from here (`import { tf } from '../backend'`), so that
// kernels, variables and memory accounting live in one engine.
import * as tf from '@tensorflow/tfjs';
import { dirname, join } from 'node:path';
import { BACKEND_NAMES, type BackendName, type BackendRequest } from './backend.decl';
import { registerCustomKernels } from './kernels/index';
import { setGemmThreads } from './kernels/wasmGemmMatMul';
import { requireWasmPackage, setWasmPoolSize } from './wasmPool';
import { effectiveThreads, machineThreads, prepareWasmThreads, unrefWasmWorkers } from './wasmThreads';

export { tf };

export type { BackendName, BackendRequest } from './backend.decl';

export interface BackendChoice {
  readonly name: BackendName;
  /** Why this backend was chosen, for logs and run.json. */
  readonly reason: string;
  /** Threads its kernels run on (tensorflow: libtensorflow's pool, one per core). */
  readonly threads: number;
}

export interface BackendOptions {
  /** Threads for the wasm backend's matmul and convolution kernels; 0 or absent: every core. */
  readonly threads?: number;
  /**
   * false for a network without convolutions: XNNPACK's own pool then stays at one thread and only
   * our matrix products use the others. Its pool speeds up convolutions, but it also splits every
   * element-wise operation between its threads, and for a dense network that costs more than it
   * saves (a SimCLR MLP step on 2 threads: 62 ms with it on one thread, 72 ms with it on two).
   */
  readonly convolutional?: boolean;
}

/** Environment variable that forces a backend (tests run on wasm and cpu this way). */
export const BACKEND_ENV_VAR = 'CONTRASTIVE_LAB_BACKEND';

let current: BackendChoice | null = null;
/** The threads of the initialised wasm backend (our products'; XNNPACK's pool may be smaller). */
let wasmThreads = 1;

/** The backend chosen by the last successful initBackend call, or null before any. */
export function currentBackend(): BackendChoice | null {
  return current;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? String(error) : String(error);
}

function parseRequest(value: string, source: string): BackendRequest {
  const v = value.trim().toLowerCase();
  if (v === 'auto' || (BACKEND_NAMES as readonly string[]).includes(v)) return v as BackendRequest;
  throw new Error(`${source} is "${value}", which is not a backend. Use one of: auto, tensorflow, wasm, cpu.`);
}

async function tryTensorflow(): Promise<string | null> {
  try {
    // tfjs-node registers the 'tensorflow' backend on the shared tfjs-core engine when it loads.
    require('@tensorflow/tfjs-node');
  } catch (error) {
    return `@tensorflow/tfjs-node did not load (${describe(error)}). Install it with "npm install @tensorflow/tfjs-node" on a platform it supports, or choose the wasm or cpu backend.`;
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) return '@tensorflow/tfjs-node loaded but its backend failed to initialise.';
  } catch (error) {
    return `@tensorflow/tfjs-node loaded but its backend failed to initialise (${describe(error)}).`;
  }
  return null;
}

async function tryWasm(options: BackendOptions): Promise<string | null> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  let wasmDir: string;
  try {
    wasm = requireWasmPackage();
    // Resolved at run time so it also works from the esbuild bundle, where the package is external.
    wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  } catch (error) {
    return `@tensorflow/tfjs-backend-wasm did not load (${describe(error)}). Reinstall dependencies with "npm install", or choose the cpu backend.`;
  }
  try {
    wasm.setWasmPaths(join(wasmDir, '/'));
    const threads = effectiveThreads(options.threads ?? 0);
    const xnnpackThreads = options.convolutional === false ? 1 : threads;
    wasm.setThreadsCount(xnnpackThreads);
    setWasmPoolSize(xnnpackThreads);
    setGemmThreads(threads);
    // With more than one thread the threaded binary loads (its memory is shared with our helpers).
    const restore = prepareWasmThreads(tf, threads, wasmDir);
    try {
      if (!(await tf.setBackend('wasm'))) return 'the wasm backend failed to initialise (its .wasm binary could not be loaded).';
    } finally {
      restore();
    }
    // The threaded binary has a pthread pool; without it (no shared memory) everything runs on one thread.
    wasmThreads = (tf.backend() as unknown as { wasm?: { PThread?: unknown } }).wasm?.PThread !== undefined ? threads : 1;
    unrefWasmWorkers((tf.backend() as unknown as { wasm?: unknown }).wasm);
  } catch (error) {
    return `the wasm backend failed to initialise (${describe(error)}).`;
  }
  return null;
}

async function useCpu(): Promise<string | null> {
  try {
    if (!(await tf.setBackend('cpu'))) return 'the cpu backend failed to initialise.';
  } catch (error) {
    return `the cpu backend failed to initialise (${describe(error)}).`;
  }
  return null;
}

async function tryBackend(name: BackendName, options: BackendOptions): Promise<string | null> {
  if (name === 'tensorflow') return tryTensorflow();
  if (name === 'wasm') return tryWasm(options);
  return useCpu();
}

/**
 * Selects and initialises the tensor backend. `auto` tries tensorflow, then wasm, then cpu; a forced
 * backend that cannot load is an error saying why. The env var CONTRASTIVE_LAB_BACKEND, when set,
 * overrides `preference`.
 */
export async function initBackend(preference: BackendRequest = 'auto', options: BackendOptions = {}): Promise<BackendChoice> {
  const fromEnv = process.env[BACKEND_ENV_VAR];
  const request = fromEnv !== undefined && fromEnv.trim() !== '' ? parseRequest(fromEnv, `The environment variable ${BACKEND_ENV_VAR}`) : preference;
  const forcedBy = fromEnv !== undefined && fromEnv.trim() !== '' ? `forced by ${BACKEND_ENV_VAR}=${request}` : `requested as "${request}"`;

  // Production mode silences tfjs' console banners (e.g. the "install tfjs-node" hint on cpu).
  tf.enableProdMode();
  let choice: Omit<BackendChoice, 'threads'>;
  if (request === 'auto') {
    const skipped: string[] = [];
    let chosen: Omit<BackendChoice, 'threads'> | null = null;
    for (const name of BACKEND_NAMES) {
      const failure = await tryBackend(name, options);
      if (failure === null) {
        chosen = { name, reason: skipped.length === 0 ? `auto: ${name} is available` : `auto: ${skipped.join('; ')}` };
        break;
      }
      skipped.push(`${name} unavailable: ${failure}`);
    }
    if (chosen === null) throw new Error(`No tensor backend could be initialised. ${skipped.join(' ')}`);
    choice = chosen;
  } else {
    const failure = await tryBackend(request, options);
    if (failure !== null) throw new Error(`The ${request} backend was ${forcedBy} but cannot be used: ${failure}`);
    choice = { name: request, reason: forcedBy };
  }
  await tf.ready();
  registerCustomKernels(choice.name);
  current = { ...choice, threads: choice.name === 'wasm' ? wasmThreads : choice.name === 'cpu' ? 1 : machineThreads() };
  return current;
}
