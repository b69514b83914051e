// Loads @tensorflow/tfjs-backend-wasm so that its threaded binary starts only the pool workers a run
// uses. The package's loader starts eight emscripten workers whatever thread count is asked for, and
// each one evaluates the backend's script and instantiates its module: on this 2-core machine that
// was 1.1 s of every two-thread run's start (75 ms with one thread). XNNPACK's pool takes
// `threads − 1` workers (the calling thread is the first), so that is the pool we ask for; should a
// later tfjs take more, emscripten starts the missing ones on demand. When the package's text is not
// the one this was written for, it loads unchanged (test/unit/contrastive/wasmThreads.test.ts fails then).
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';

// CommonJS' Module class (its typings omit _compile and _nodeModulePaths).
const NodeModule = require('node:module') as {
  new (id: string, parent?: unknown): { filename: string; paths: string[]; loaded: boolean; exports: unknown; _compile(source: string, filename: string): void };
  _nodeModulePaths(from: string): string[];
};

/** The line of tfjs-backend-wasm 4.22's Node bundle that sizes the pool. */
export const POOL_LINE = 'var pthreadPoolSize = 8;';
/** The global the patched line reads, set just before the backend initialises. */
const POOL_GLOBAL = '__contrastiveLabWasmPoolSize';

type WasmPackage = typeof import('@tensorflow/tfjs-backend-wasm');

/** Whether this file's text can be patched (the test checks it for the installed tfjs). */
export function poolLineFound(source: string): boolean {
  return source.split(POOL_LINE).length === 2;
}

/**
 * The package, loaded with a pool sized by `setWasmPoolSize` (the first load patches it; a package
 * already loaded elsewhere in the process is returned as it is).
 */
export function requireWasmPackage(): WasmPackage {
  const path = require.resolve('@tensorflow/tfjs-backend-wasm');
  if (require.cache[path] === undefined) {
    const source = readFileSync(path, 'utf8');
    if (poolLineFound(source)) {
      const module = new NodeModule(path);
      module.filename = path;
      module.paths = NodeModule._nodeModulePaths(dirname(path));
      module._compile(source.replace(POOL_LINE, `var pthreadPoolSize = globalThis.${POOL_GLOBAL} ?? 8;`), path);
      module.loaded = true;
      require.cache[path] = module as unknown as NodeJS.Module;
    }
  }
  return require(path) as WasmPackage;
}

/** The workers the next initialisation of the threaded binary starts: one per helper thread. */
export function setWasmPoolSize(threads: number): void {
  (globalThis as Record<string, unknown>)[POOL_GLOBAL] = Math.max(1, threads - 1);
}
