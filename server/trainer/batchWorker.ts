// The helper thread of batchPrefetch.ts: a wasm backend of its own (one thread), the dataset in
// shared memory, and the trainer's own batch builder (batch.ts) over the same pipelines and seed.
// It waits for a job (a step and its sample indices), makes that batch, writes the views' values
// and shapes to shared memory and says DONE, or FAILED when anything goes wrong (the trainer then
// makes its batches itself).
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { buildSeededPipeline } from '../contrastive/augment/pipeline';
import { initBackend, tf } from '../contrastive/backend';
import { twoViewAugmenter } from '../contrastive/pairs/twoViews';
import { batchBuilder } from './batch';
import { COUNT, DONE, FAILED, IDLE, MAX_RANK, POSTED, QUIT, SHAPE1, SHAPE2, STATE, STEP, type BatchWorkerData } from './batchPrefetch';

function writeShape(ctl: Int32Array, slot: number, shape: readonly number[] | null): void {
  if (shape !== null && shape.length > MAX_RANK) throw new Error(`a view of rank ${shape.length} does not fit the control block`);
  ctl[slot] = shape === null ? 0 : shape.length;
  (shape ?? []).forEach((d, i) => { ctl[slot + 1 + i] = d; });
}

/**
 * The lowest scheduling priority for this thread alone (Linux applies it per thread; elsewhere it
 * would lower the whole process, so it is left): the trainer's matrix products keep both cores when
 * they run, and this thread takes what they leave (measured: at equal priority it slowed them as
 * much as it saved).
 */
function yieldToTheTrainer(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, 19);
  } catch {
    // Not allowed here: equal priority still gives the same batches.
  }
}

async function serve(data: BatchWorkerData): Promise<void> {
  const ctl = new Int32Array(data.control);
  yieldToTheTrainer();
  try {
    await initBackend('wasm', { threads: 1 });
  } catch {
    Atomics.store(ctl, STATE, FAILED);
    Atomics.notify(ctl, STATE);
    parentPort?.postMessage('failed');
    return;
  }
  const views = data.views;
  const builder = batchBuilder({
    samples: { values: new Float32Array(data.samples), sampleShape: data.sampleShape },
    labels: null,
    twoViews: 'weakOnly' in views ? null : twoViewAugmenter(views, data.seed),
    weakOnly: 'weakOnly' in views ? buildSeededPipeline(views.weakOnly) : null,
    seed: data.seed,
  });
  const indices = new Int32Array(data.indices);
  const output = new Float32Array(data.output);
  Atomics.store(ctl, STATE, IDLE);
  Atomics.notify(ctl, STATE);
  parentPort?.postMessage('ready');
  for (;;) {
    const state = Atomics.load(ctl, STATE);
    if (state === QUIT) return;
    if (state !== POSTED) {
      Atomics.wait(ctl, STATE, state); // until the trainer posts a job (or quits)
      continue;
    }
    let answer = DONE;
    try {
      const batch = builder.make(indices.slice(0, ctl[COUNT]), ctl[STEP]!);
      try {
        const v1 = batch.view1.dataSync() as Float32Array;
        const v2 = batch.view2 === null ? null : (batch.view2.dataSync() as Float32Array);
        if (v1.length + (v2?.length ?? 0) > output.length) throw new Error('the views do not fit the shared output');
        output.set(v1, 0);
        if (v2 !== null) output.set(v2, v1.length);
        writeShape(ctl, SHAPE1, batch.view1.shape);
        writeShape(ctl, SHAPE2, batch.view2?.shape ?? null);
      } finally {
        tf.dispose([batch.view1, ...(batch.view2 ? [batch.view2] : [])]);
      }
    } catch {
      answer = FAILED;
    }
    // The trainer may have quit meanwhile: only a job still posted gets its answer.
    Atomics.compareExchange(ctl, STATE, POSTED, answer);
    Atomics.notify(ctl, STATE);
  }
}

void serve(workerData as BatchWorkerData);
