// Batches made one step ahead on a second thread. While the trainer runs step s (forward,
// backward, update), a helper thread gathers and augments the batch of step s + 1 on its own wasm
// backend; the trainer then only uploads it. The helper runs the very code the trainer would
// (batch.ts, the same pipelines and the same generators derived from (seed, step)) on the same
// kernels, so a batch is the same bit for bit whichever thread made it (tested for every
// augmentation). Used on wasm with two threads or more (run.threads): one thread means one core.
//
// The threads share memory and signal through a control block (Atomics): no message has to wait
// for an event-loop turn, which the trainer does not take in the middle of a step. If the helper
// fails or falls silent, the trainer makes the batch itself, and from then on every batch: a helper
// is an optimisation, never a second source of truth.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AugmentationOp } from '../contrastive/augment/declarations';
import { currentBackend, tf } from '../contrastive/backend';
import type { BatchBuilder } from './batch';
import type { HostSamples } from './gatherRows';
import type { StepBatch } from './methods/types';

/** Control block slots (int32). */
export const STATE = 0;
export const STEP = 1;
export const COUNT = 2;
/** Rank and up to four dimensions of view 1, then of view 2 (rank 0: no second view). */
export const SHAPE1 = 3;
export const SHAPE2 = 8;
export const CONTROL_INTS = 16;
export const MAX_RANK = 4;

/** Helper states. */
export const STARTING = 0;
export const IDLE = 1;
export const POSTED = 2;
export const DONE = 3;
export const FAILED = 4;
export const QUIT = 5;

/** What the helper thread is started with. */
export interface BatchWorkerData {
  readonly control: SharedArrayBuffer;
  readonly indices: SharedArrayBuffer;
  readonly output: SharedArrayBuffer;
  readonly samples: SharedArrayBuffer;
  readonly sampleShape: readonly number[];
  /** pairs.views for two views, or the weak pipeline alone for one. */
  readonly views: { readonly weak: readonly AugmentationOp[]; readonly strong: readonly AugmentationOp[] } | { readonly weakOnly: readonly AugmentationOp[] };
  readonly seed: number;
}

/** A run whose dataset is larger than this keeps making its batches itself (no second copy of it). */
const MAX_SHARED_SAMPLE_BYTES = 512 * 2 ** 20;
/** Output room per batch: views as large as four times the samples (a crop that enlarges) still fit. */
const OUTPUT_FACTOR = 4;
/** A helper silent this long is given up on. */
const PATIENCE_MS = 30_000;

/** The helper's program: the bundle's batch-worker.js beside cli.js, or from the sources the .ts file through tsx. */
function startWorker(workerData: BatchWorkerData): Worker {
  const bundled = join(__dirname, 'batch-worker.js');
  if (existsSync(bundled)) return new Worker(bundled, { workerData });
  // tsx's loader is registered per thread (not through execArgv), so the helper registers its own.
  const source = `require('tsx/cjs/api').register(); require(${JSON.stringify(join(__dirname, 'batchWorker.ts'))});`;
  return new Worker(source, { eval: true, workerData });
}

export interface PrefetchOptions {
  readonly samples: HostSamples;
  /** The largest batch the sampler makes. */
  readonly batchSize: number;
  /** The augmentations that make the views; null when the batch is the samples as they are. */
  readonly views: BatchWorkerData['views'] | null;
  readonly seed: number;
  /** Class labels by sample index, as the local builder has them (null: the run trains without). */
  readonly labels: Int32Array | null;
}

/**
 * The trainer's batches: `local`, with a helper thread when it pays (batches to augment, wasm on two
 * threads or more) and can be had (SharedArrayBuffer, a dataset that fits a shared copy).
 */
export function withPrefetch(local: BatchBuilder, options: PrefetchOptions): BatchBuilder {
  const backend = currentBackend();
  if (options.views === null || backend === null || backend.name !== 'wasm' || backend.threads < 2) return local;
  if (options.samples.values.byteLength > MAX_SHARED_SAMPLE_BYTES) return local;
  return prefetchingBatches(local, { ...options, views: options.views });
}

export interface PrefetchingBatches extends BatchBuilder {
  /** Resolves true once the helper is ready for jobs, false if it failed to start. */
  readonly ready: Promise<boolean>;
  /** How many batches the helper has made so far (the rest the trainer made itself). */
  prefetched(): number;
}

/** `local` with a helper thread making the batch of the step announced by `prepare` ahead of time. */
export function prefetchingBatches(local: BatchBuilder, options: PrefetchOptions & { views: BatchWorkerData['views'] }): PrefetchingBatches {
  const sampleSize = options.samples.sampleShape.reduce((a, b) => a * b, 1);
  const samples = new SharedArrayBuffer(options.samples.values.byteLength);
  new Float32Array(samples).set(options.samples.values);
  const control = new SharedArrayBuffer(CONTROL_INTS * 4);
  const indices = new SharedArrayBuffer(options.batchSize * 4);
  const output = new SharedArrayBuffer(2 * options.batchSize * sampleSize * OUTPUT_FACTOR * 4);
  const ctl = new Int32Array(control);
  const workerData: BatchWorkerData = { control, indices, output, samples, sampleShape: [...options.samples.sampleShape], views: options.views, seed: options.seed };
  let worker: Worker | null = startWorker(workerData);
  worker.unref(); // a helper must never keep a finished process alive
  // A helper that cannot start (or dies) is dropped; the trainer never waits on it before it is ready.
  const ready = new Promise<boolean>((resolve) => {
    worker!.once('message', (m) => resolve(m === 'ready'));
    worker!.once('error', () => resolve(false));
    worker!.once('exit', () => resolve(false));
  });
  worker.on('error', () => stop());
  worker.on('exit', () => { worker = null; });
  let made = 0;
  let pending: { step: number; indices: Int32Array } | null = null;

  function stop(): void {
    Atomics.store(ctl, STATE, QUIT);
    Atomics.notify(ctl, STATE);
    pending = null;
    if (worker !== null) void worker.terminate();
    worker = null;
  }

  /** Waits for the helper's answer to the pending job: DONE, or FAILED after a failure or silence. */
  function answer(): number {
    const since = Date.now();
    for (let state = Atomics.load(ctl, STATE); ; state = Atomics.load(ctl, STATE)) {
      if (state !== POSTED) return state;
      if (Date.now() - since > PATIENCE_MS) return FAILED;
      Atomics.wait(ctl, STATE, POSTED, 1000);
    }
  }

  const shapeAt = (slot: number): number[] => Array.from(ctl.subarray(slot + 1, slot + 1 + ctl[slot]!));

  function fetched(indicesOfStep: Int32Array): StepBatch | null {
    const state = answer();
    if (state !== DONE) {
      stop(); // from here on the trainer makes every batch itself
      return null;
    }
    const out = new Float32Array(output);
    const shape1 = shapeAt(SHAPE1);
    const size1 = shape1.reduce((a, b) => a * b, 1);
    // tf.tensor copies the values into the backend's memory: the helper may reuse its output next.
    const view1 = tf.tensor(out.subarray(0, size1), shape1, 'float32');
    const view2 = ctl[SHAPE2] === 0 ? null : tf.tensor(out.subarray(size1, size1 + shapeAt(SHAPE2).reduce((a, b) => a * b, 1)), shapeAt(SHAPE2), 'float32');
    Atomics.store(ctl, STATE, IDLE);
    made++;
    const labels = options.labels;
    return { labels: labels !== null ? Int32Array.from(indicesOfStep, (i) => labels[i]!) : null, view1, view2 };
  }

  const sameIndices = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

  return {
    ready,
    prefetched: () => made,
    make(indicesOfStep, step) {
      const job = pending;
      pending = null;
      if (job !== null && job.step === step && sameIndices(job.indices, indicesOfStep)) {
        const batch = fetched(indicesOfStep);
        if (batch !== null) return batch;
      } else if (job !== null) {
        // A batch nobody asks for (the run moved elsewhere, e.g. resumed): let it go.
        if (answer() === DONE) Atomics.store(ctl, STATE, IDLE);
        else stop();
      }
      return local.make(indicesOfStep, step);
    },
    inputs: local.inputs,
    prepare(next, step) {
      // Only to an idle helper: before it is ready (or once it is gone) the trainer makes the batch.
      if (worker === null || pending !== null || next.length > options.batchSize || Atomics.load(ctl, STATE) !== IDLE) return;
      new Int32Array(indices).set(next);
      ctl[STEP] = step;
      ctl[COUNT] = next.length;
      pending = { step, indices: next };
      Atomics.store(ctl, STATE, POSTED);
      Atomics.notify(ctl, STATE);
    },
    dispose() {
      stop();
      local.dispose();
    },
  };
}
