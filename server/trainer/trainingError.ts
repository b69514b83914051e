// A training failure the user can act on: what went wrong, where (step, epoch) and what kind of
// failure it is — the `error` run.json records, so readers never parse the message for it.
import { DataError } from '../contrastive/data/errors';
import type { RunError, RunErrorKind } from '../runs/format';

/** What a failure knows besides its message and place. */
export interface FailureDetails {
  readonly kind: RunErrorKind;
  readonly step?: number;
  readonly epoch?: number;
  /** For `nonFinite`: the offending value, `NaN`, `Infinity` or `-Infinity`. */
  readonly value?: string;
}

export class TrainingError extends Error {
  readonly where: string;
  readonly details: FailureDetails;
  constructor(message: string, where: string, details: FailureDetails = { kind: 'other' }) {
    super(message);
    this.name = 'TrainingError';
    this.where = where;
    this.details = details;
  }
}

// tfjs and wasm say it in words of their own: a failed ArrayBuffer / WebAssembly.Memory allocation, an OOM abort.
const OUT_OF_MEMORY = /out of memory|\bOOM\b|allocation failed|could not allocate memory|Invalid array length/i;

/**
 * The run.json error for a failure: a TrainingError or DataError carries its own place and kind;
 * anything else happened at `place` (the trainer's position when it was thrown).
 */
export function runErrorOf(e: unknown, place: { readonly where: string; readonly step?: number; readonly epoch?: number }): RunError {
  if (e instanceof TrainingError) return { ...e.details, message: e.message, where: e.where };
  if (e instanceof DataError) return { kind: 'data', message: e.message, where: e.where };
  const message = e instanceof Error ? e.message : String(e);
  const kind: RunErrorKind = e instanceof Error && OUT_OF_MEMORY.test(message) ? 'outOfMemory' : 'other';
  return { kind, message, ...place };
}
