// The timing probe of `npm run bench -- recipes`: the entry bench/recipes.ts starts instead of
// bin/contrastive-lab.js, as `node --import tsx bench/recipes-probe.ts train <spec> …`. It wraps, from
// outside and without changing what runs, the functions where a run's time goes, then runs the
// real CLI (server/cli/main.ts); at exit it writes the totals (seconds) as JSON to the file named by
// CONTRASTIVE_BENCH_PROBE:
//   step          Trainer → parts.trainStep, whole steps
//   forwardBackward  tf.variableGrads inside the steps (the forward pass, the loss and the gradients)
//   optimiser     Optimizer.applyGradients (Adam/SGD/LARS slots and the weight update)
//   augmentation  every augmentation op's apply (both views)
//   hooks by the phase they set: evaluation, checkpoint, embeddings; the rest (metric lines,
//   progress, stop checks) as reporting
//   setup         process start → the first step (tfjs import, backend, data load, model build)
// wasm and cpu run their kernels synchronously, so a wrapper's wall time is its kernels' time.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as tfCore from '@tensorflow/tfjs-core';
import { augmentations } from '../server/contrastive/augment/registry';
import { SlotOptimizer } from '../server/contrastive/optim/optimizer';
import { Trainer, type Phase, type RunState, type TrainingHook } from '../server/trainer/trainer';
import type { TrainingParts } from '../server/trainer/parts';

export interface ProbeTotals {
  setup: number;
  step: number;
  steps: number;
  forwardBackward: number;
  optimiser: number;
  augmentation: number;
  evaluation: number;
  checkpoint: number;
  embeddings: number;
  reporting: number;
}

const totals: ProbeTotals = { setup: 0, step: 0, steps: 0, forwardBackward: 0, optimiser: 0, augmentation: 0, evaluation: 0, checkpoint: 0, embeddings: 0, reporting: 0 };

/** True while a training step runs: the step's parts count only there (an evaluation may train a probe). */
let inStep = false;

function timedInStep<A extends unknown[], R>(fn: (...args: A) => R, phase: 'forwardBackward' | 'optimiser' | 'augmentation'): (...args: A) => R {
  return function (this: unknown, ...args: A): R {
    const t0 = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      if (inStep) totals[phase] += (performance.now() - t0) / 1000;
    }
  };
}

// tfjs-core's CommonJS exports object itself (an import would give a read-only copy): its
// properties are plain, and the '@tensorflow/tfjs' namespace the trainer uses reads them through getters.
const core = createRequire(__filename)('@tensorflow/tfjs-core') as { variableGrads: typeof tfCore.variableGrads };
core.variableGrads = timedInStep(core.variableGrads, 'forwardBackward');

const slot = SlotOptimizer.prototype as { applyGradients: SlotOptimizer['applyGradients'] };
slot.applyGradients = timedInStep(slot.applyGradients, 'optimiser');

for (const augmentation of Object.values(augmentations) as { apply: (...args: unknown[]) => unknown }[]) {
  augmentation.apply = timedInStep(augmentation.apply, 'augmentation');
}

type HookPhase = Exclude<Phase, 'setup' | 'training'>;
const hookBucket: Record<HookPhase, keyof ProbeTotals> = { evaluation: 'evaluation', checkpoint: 'checkpoint', embeddings: 'embeddings' };

/** A hook's time goes to the phase it set while running (evaluation, checkpoint, embeddings), else to reporting. */
function timedHook(hook: TrainingHook, run: RunState): TrainingHook {
  const wrap = <E extends unknown[]>(call: ((...e: E) => ReturnType<NonNullable<TrainingHook['onRunEnd']>>) | undefined) =>
    call === undefined
      ? undefined
      : async (...e: E) => {
          const t0 = performance.now();
          const result = await call.apply(hook, e);
          const phase = run.phase;
          totals[phase === 'setup' || phase === 'training' ? 'reporting' : hookBucket[phase]] += (performance.now() - t0) / 1000;
          run.phase = 'training';
          return result;
        };
  return { onStepEnd: wrap(hook.onStepEnd), onEpochEnd: wrap(hook.onEpochEnd), onRunEnd: wrap(hook.onRunEnd) };
}

interface TrainerInternals {
  parts: Pick<TrainingParts, 'batches' | 'trainStep'>;
  hooks: readonly TrainingHook[];
}

const originalRun = Trainer.prototype.run;
Trainer.prototype.run = async function (this: Trainer, run: RunState) {
  // performance.now() counts from the start of this process.
  totals.setup = performance.now() / 1000;
  const inner = this as unknown as TrainerInternals;
  const parts = inner.parts;
  inner.parts = {
    batches: parts.batches,
    trainStep: async (...args) => {
      const t0 = performance.now();
      inStep = true;
      try {
        return await parts.trainStep(...args);
      } finally {
        inStep = false;
        totals.step += (performance.now() - t0) / 1000;
        totals.steps++;
      }
    },
  };
  inner.hooks = inner.hooks.map((h) => timedHook(h, run));
  return originalRun.call(this, run);
};

const out = process.env.CONTRASTIVE_BENCH_PROBE;
if (out !== undefined) process.on('exit', () => writeFileSync(out, `${JSON.stringify(totals)}\n`));

// The CLI itself, unchanged: argv is `train <spec> …`.
void import('../server/cli/main');
