// Our own kernels that close gaps in a backend (registered after the backend is chosen).
// Each entry registers the kernels one backend needs; the list is filled by the kernels' owner.
export type KernelBackend = 'tensorflow' | 'wasm' | 'cpu';

const registrations: ReadonlyArray<(backend: KernelBackend) => void> = [];

/** Registers every custom kernel that applies to `backend`. Safe to call more than once. */
export function registerCustomKernels(backend: KernelBackend): void {
  for (const register of registrations) register(backend);
}
