// Value checks shared by the run commands (train, resume, neighbors, embed, export): a bad value
// is a UsageError (exit code 2) that names the flag and shows what is accepted.
import { BACKEND_REQUESTS, isBackendRequest, type BackendRequest } from '../contrastive/backend.decl';
import { ENGINES, isEngine, type Engine } from '../contrastive/declare';
import { UsageError } from './command';

export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number, got "${value}".`);
  return n;
}

export function nonNegativeInt(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number >= 0, got "${value ?? ''}".`);
  return n;
}

export function backendArg(value: string | undefined): BackendRequest | null {
  if (value === undefined) return null;
  if (!isBackendRequest(value)) throw new UsageError(`--backend must be one of ${BACKEND_REQUESTS.join(', ')}, got "${value}".`);
  return value;
}

/** --threads: a whole number >= 0 (0 = every core); null when absent (the spec's run.threads). */
export function threadsArg(value: string | undefined): number | null {
  return value === undefined ? null : nonNegativeInt(value, '--threads');
}

/** --engine: tfjs | pytorch; null when absent (the spec's run.engine). */
export function engineArg(value: string | undefined): Engine | null {
  if (value === undefined) return null;
  if (!isEngine(value)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}, got "${value}".`);
  return value;
}

/** --processes: a positive whole number; null when absent (the spec's run.processes). */
export function processesArg(value: string | undefined): number | null {
  return value === undefined ? null : positiveInt(value, '--processes', 1);
}

/** --device: auto | cpu | cuda | cuda:N | mps; null when absent (the spec's run.device). */
export function deviceArg(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!/^(auto|cpu|cuda(:[0-9]+)?|mps)$/.test(value)) throw new UsageError(`--device must be auto, cpu, cuda, cuda:N or mps, got "${value}".`);
  return value;
}
