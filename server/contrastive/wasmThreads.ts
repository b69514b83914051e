// Lets tfjs' wasm backend run its XNNPACK kernels (matmul, convolution) on several threads under
// Node. @tensorflow/tfjs-backend-wasm ships a threaded SIMD binary, but its loader assumes a
// browser in three places:
//   1. threads are switched off under Node by a feature flag (tfjs issue #3830);
//   2. the pthread workers get their scripts as Blob URLs, which Node's Worker cannot open, and the
//      worker loads the main script from a Blob it receives in a message;
//   3. the thread pool is capped at half of the logical cores (it assumes two hyper-threads per core),
//      which on a 2-core machine means one thread.
// For the duration of the backend's initialisation only, this module writes those scripts to a
// temporary folder and hands out their paths, and reports the core count that lets the pool have the
// requested threads. Every emscripten pool worker loads its scripts during initialisation, so the
// folder is removed and the globals restored as soon as it ends.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfCore from '@tensorflow/tfjs-core';

// The module object itself (not an import namespace, which is read-only): tfjs' loader reads os.cpus() from it.
const os = require('node:os') as typeof import('node:os');

/** XNNPACK's pool in the tfjs wasm binary has eight workers: more threads are never used. */
export const MAX_WASM_THREADS = 8;

/** What the threaded binary's main script starts with (its factory, as the loader wraps it in a Blob). */
const MAIN_SCRIPT_PREFIX = 'var WasmBackendModuleThreadedSimd';

/**
 * What the worker script needs before it runs: the URL it makes of the main-script Blob is the file
 * written for it, and the main script (the factory's source, as tfjs 4.22's Node bundle compiled it)
 * finds the module-scope names it refers to: the bundle's `require$$N` imports, rollup's
 * `commonjsGlobal`, `__dirname`, and three TypeScript helpers. test/unit/contrastive/wasmThreads.test.ts
 * fails if a tfjs upgrade changes them.
 */
function workerPrelude(mainScript: string, wasmDir: string): string {
  return [
    `URL.createObjectURL = () => ${JSON.stringify(mainScript)}; URL.revokeObjectURL = () => {};`,
    `Object.assign(globalThis, { require$$0: require('fs'), require$$1: require('path'), require$$3: require('perf_hooks'), require$$4: require('os'),`,
    `  commonjsGlobal: globalThis, __dirname: ${JSON.stringify(wasmDir)}, __filename: ${JSON.stringify(mainScript)},`,
    `  __values: (o) => o[Symbol.iterator] ? o[Symbol.iterator]() : { next: function () { return { value: o[this.i], done: this.i++ >= o.length }; }, i: 0 },`,
    `  __read: (o, n) => { const it = o[Symbol.iterator](); const r = []; let x; while ((n === undefined || n-- > 0) && !(x = it.next()).done) r.push(x.value); return r; },`,
    `  __spreadArray: (to, from) => to.concat(Array.prototype.slice.call(from)) });`,
    '',
  ].join('\n');
}

/** The logical cores of this machine: what `threads: 0` means. */
export function machineThreads(): number {
  return Math.max(1, os.cpus().length);
}

/** `threads` as the backend will use it: 0 → every core, capped at the pool's size. */
export function effectiveThreads(requested: number): number {
  const wanted = requested > 0 ? requested : machineThreads();
  return Math.min(Math.max(1, Math.floor(wanted)), MAX_WASM_THREADS);
}

interface EmscriptenThreads {
  readonly unusedWorkers: readonly { unref(): void }[];
  readonly runningWorkers: readonly { unref(): void }[];
}

/**
 * Lets the process exit while the pool's workers wait for work (they keep Node's event loop alive
 * otherwise, and a finished run would hang). `wasmModule` is the initialised backend's `wasm` field.
 */
export function unrefWasmWorkers(wasmModule: unknown): void {
  const threads = (wasmModule as { PThread?: EmscriptenThreads } | undefined)?.PThread;
  if (threads === undefined) return;
  for (const worker of [...threads.unusedWorkers, ...threads.runningWorkers]) worker.unref();
}

/**
 * Prepares the environment so that the next `tf.setBackend('wasm')` loads the threaded binary with
 * `threads` XNNPACK threads (`wasmDir`: the folder of the package's .wasm files, which backend.ts
 * resolves). Returns the function that undoes it; call it once the backend is
 * initialised (or failed). Nothing is changed when `threads` is 1.
 */
export function prepareWasmThreads(tf: Pick<typeof tfCore, 'env'>, threads: number, wasmDir: string): () => void {
  if (threads <= 1) return () => {};
  const folder = mkdtempSync(join(os.tmpdir(), 'contrastive-lab-wasm-'));
  const mainScript = join(folder, 'backend.js');
  const texts = new WeakMap<Blob, string>();
  const OriginalBlob = globalThis.Blob;
  const originalCreateObjectURL = URL.createObjectURL.bind(URL);
  const originalCpus = os.cpus;
  let scripts = 0;

  class RecordingBlob extends OriginalBlob {
    constructor(...args: ConstructorParameters<typeof OriginalBlob>) {
      super(...args);
      const text = [...(args[0] ?? [])].map((part) => (typeof part === 'string' ? part : '')).join('');
      texts.set(this, text);
      // The worker receives this Blob in a message; it gets the file's path instead (see below).
      if (text.startsWith(MAIN_SCRIPT_PREFIX)) writeFileSync(mainScript, text);
    }
  }
  globalThis.Blob = RecordingBlob;
  URL.createObjectURL = (blob: Blob): string => {
    const text = texts.get(blob);
    if (text === undefined) return originalCreateObjectURL(blob);
    const file = join(folder, `worker-${scripts++}.js`);
    const prelude = workerPrelude(mainScript, wasmDir);
    writeFileSync(file, prelude + text);
    return file;
  };
  // The binary keeps min(threads, cores / 2) threads: report enough cores for the request.
  os.cpus = () => {
    const cores = originalCpus();
    return Array.from({ length: 2 * threads }, (_, i) => cores[i % cores.length]!);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);

  return () => {
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreateObjectURL;
    os.cpus = originalCpus;
    rmSync(folder, { recursive: true, force: true });
  };
}
