// The tensor backends a run may ask for, each with what it is: the one list the spec schema, the CLI,
// the conformance runner and the extension's setting read. tfjs-free, so the language server and the
// extension can load it.
export const BACKEND_DESCRIPTIONS = {
  auto: 'The fastest available: tfjs-node when installed, else WebAssembly, else plain JavaScript.',
  tensorflow: 'Native TensorFlow (needs the optional `@tensorflow/tfjs-node`).',
  wasm: 'WebAssembly with SIMD: portable and fast on CPU.',
  cpu: 'Plain JavaScript: slow; for debugging kernels.',
} as const;

export type BackendRequest = keyof typeof BACKEND_DESCRIPTIONS;
export type BackendName = Exclude<BackendRequest, 'auto'>;

/** In order of preference after `auto`: the order `auto` tries them in. */
export const BACKEND_REQUESTS = Object.keys(BACKEND_DESCRIPTIONS) as readonly BackendRequest[];
export const BACKEND_NAMES = BACKEND_REQUESTS.filter((b): b is BackendName => b !== 'auto');

export function isBackendRequest(value: string | undefined): value is BackendRequest {
  return value !== undefined && (BACKEND_REQUESTS as readonly string[]).includes(value);
}
