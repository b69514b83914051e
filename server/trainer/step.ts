// One optimisation step: the method's loss on a batch, its gradients (clipped when asked), the
// update, the EMA target's move, the finite-value check of everything the step touched, and the
// queue's new keys. Everything arrives built (parts.ts reads the spec).
import { tf } from '../contrastive/backend';
import { clipByGlobalNorm, type Optimizer, type ParameterUpdate } from '../contrastive/optim';
import type { MemoryQueue } from '../contrastive/pairs/memoryQueue';
import type { LearningRateSchedule } from '../contrastive/schedules';
import type { EmaOptions, EmaTarget } from '../contrastive/strategies';
import type { BatchBuilder } from './batch';
import { checkStep, type GuardedTensor, type NonFiniteFault } from './finiteGuard';
import type { Method } from './methods/types';

export interface StepParts {
  readonly method: Method;
  readonly batches: BatchBuilder;
  /** The variables the optimiser updates, named for the guard and the optimiser's slots. */
  readonly trainable: readonly { readonly name: string; readonly variable: tf.Variable }[];
  /** Every weight a step may change (trainable ones, batch-norm statistics, the EMA target). */
  readonly guarded: readonly GuardedTensor[];
  readonly optimizer: Optimizer;
  readonly schedule: LearningRateSchedule;
  readonly stepsPerEpoch: number;
  /** Global gradient-norm limit, or null for no clipping. */
  readonly clipNorm: number | null;
  readonly ema: { readonly target: EmaTarget; readonly schedule: EmaOptions } | null;
  readonly memory: MemoryQueue | null;
  /** Where the step is, for the dropout seeds of the method's forward passes. */
  readonly dropoutPosition: { step: number; calls: number };
}

export type StepResult = { loss: number; lr: number; fault: NonFiniteFault | null };

/** `next`: the indices of the following step's batch, when known, so that it can be made meanwhile. */
export function stepper(p: StepParts): (indices: Int32Array, step: number, totalSteps: number, next?: Int32Array) => Promise<StepResult> {
  const variables = p.trainable.map((n) => n.variable);
  return async (indices, step, totalSteps, next) => {
    const lr = p.schedule(step - 1, totalSteps, p.stepsPerEpoch);
    const batch = p.batches.make(indices, step);
    if (next !== undefined) p.batches.prepare(next, step + 1);
    p.dropoutPosition.step = step;
    p.dropoutPosition.calls = 0;
    let keys: tf.Tensor2D | null = null;
    let keyLabels: Int32Array | null = null;
    try {
      const { value, grads } = tf.variableGrads(() => {
        const result = p.method.step(batch);
        keys = result.keys;
        keyLabels = result.keyLabels;
        return result.loss;
      }, variables);
      const updates: ParameterUpdate[] = p.trainable.filter((n) => grads[n.variable.name] !== undefined).map((n) => ({ ...n, gradient: grads[n.variable.name]! }));
      const clipped = p.clipNorm !== null ? clipByGlobalNorm(updates, p.clipNorm).gradients : null;
      // The update is applied before the check so that one read covers loss, gradients and the new
      // weights; a fault fails the run, and the last good checkpoint on disk is what remains.
      p.optimizer.applyGradients(clipped ?? updates, lr);
      if (p.ema !== null) p.ema.target.update(step - 1, totalSteps, p.ema.schedule);
      const { loss, fault } = await checkStep({
        inputs: p.batches.inputs(batch),
        loss: value,
        gradients: updates.map((u) => ({ name: u.name, tensor: u.gradient })),
        parameters: p.guarded,
      });
      value.dispose();
      if (fault === null && p.memory !== null && keys !== null && keyLabels !== null) p.memory.enqueue(keys, keyLabels);
      tf.dispose([...Object.values(grads), ...(clipped ?? []).map((c) => c.gradient)]);
      return { loss, lr, fault };
    } finally {
      tf.dispose([batch.view1, ...(batch.view2 ? [batch.view2] : [])]);
      if (keys !== null) (keys as tf.Tensor).dispose();
    }
  };
}
