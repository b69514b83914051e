// The part of the WebAssembly JavaScript API our kernels use. Node has it; @types/node 20 does not
// declare it (TypeScript declares it in the DOM lib, which the server does not load).
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
export type WasmModule = object;
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: unknown };
  readonly Memory: abstract new (...args: never[]) => WasmMemory;
}
export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
