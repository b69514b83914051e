// The part of the WebAssembly JavaScript API our kernels use. Node has it; @types/node 20 does not
// declare it (TypeScript declares it in the DOM lib, which the server does not load).
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
export type WasmModule = object;
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  validate(bytes: Uint8Array): boolean;
  readonly Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: unknown };
  readonly Memory: abstract new (...args: never[]) => WasmMemory;
}
export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** The emscripten module fields that hold the backend's memory (public fields tfjs' typings omit). */
interface EmscriptenMemoryFields {
  wasmMemory?: WasmMemory;
  asm?: { memory?: WasmMemory };
}

/** The tfjs wasm backend's memory (its `wasm` field is the emscripten module), or undefined. */
export function backendMemory(emscripten: unknown): WasmMemory | undefined {
  const module = emscripten as EmscriptenMemoryFields;
  const memory = module.wasmMemory ?? module.asm?.memory;
  return memory instanceof webAssembly.Memory ? memory : undefined;
}

/** Whether `memory` is shared (the threaded binary's), so a module importing it must declare it shared. */
export function isShared(memory: WasmMemory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/** Our module, given base64 in its plain- and shared-memory flavours, compiled to import `memory`. */
export function compileFor(memory: WasmMemory, plain: string, shared: string): WasmModule {
  return new webAssembly.Module(Buffer.from(isShared(memory) ? shared : plain, 'base64'));
}

/**
 * The exports of our module instantiated over a wasm backend's own memory (`emscripten`: the
 * backend's `wasm` field); throws saying what cannot run when that memory is not found.
 */
export function instantiateOverBackend<Exports>(emscripten: unknown, plain: string, shared: string, what: string): Exports {
  const memory = backendMemory(emscripten);
  if (memory === undefined) throw new Error(`The wasm backend's memory was not found, so ${what} cannot run; choose the cpu backend (--backend cpu) and report this.`);
  return new webAssembly.Instance(compileFor(memory, plain, shared), { env: { memory } }).exports as Exports;
}
