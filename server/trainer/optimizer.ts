// The optimisers of the schema (sgd with momentum/Nesterov, adam, adamw, lars) written as tensor
// updates whose state (moments, step count) is plain tensors: checkpoints hold it exactly and the
// learning rate can change every step (schedules). Weight decay: L2 added to the gradient for sgd,
// adam and lars; decoupled (applied to the weights) for adamw.
import { tf } from '../contrastive/backend';
import type { OptimizerSpec, StrategySpec } from '../spec/types';
import type { StoredTensor } from './checkpoint';

export interface StepOptimizer {
  /** Applies gradients keyed by variable name (as tf.variableGrads returns them). */
  apply(grads: tf.NamedTensorMap, learningRate: number): void;
  tensors(): StoredTensor[];
  extra(): Record<string, number>;
  restore(tensors: readonly StoredTensor[], extra: unknown): void;
  dispose(): void;
}

/** The learning rate at a step (1-based): linear warm-up over warmupEpochs, then constant or cosine decay. */
export function learningRateAt(strategy: StrategySpec, step: number, stepsPerEpoch: number, totalSteps: number): number {
  const base = strategy.optimizer.learningRate;
  const schedule = strategy.schedule;
  const warmup = Math.round(schedule.warmupEpochs * stepsPerEpoch);
  if (warmup > 0 && step <= warmup) return (base * step) / warmup;
  if (schedule.type !== 'cosine') return base;
  // Step warmup+1 uses the full rate; the last step is one notch above the minimum, never wasted at it.
  const span = Math.max(1, totalSteps - warmup);
  const progress = Math.min(1, Math.max(0, (step - warmup - 1) / span));
  return schedule.minLearningRate + (base - schedule.minLearningRate) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

export function createStepOptimizer(spec: OptimizerSpec, variables: readonly tf.Variable[]): StepOptimizer {
  const slotsPerVariable = spec.type === 'adam' || spec.type === 'adamw' ? 2 : 1;
  const slots: tf.Variable[][] = variables.map((v) => Array.from({ length: slotsPerVariable }, () => tf.variable(tf.zerosLike(v), false)));
  let iterations = 0;

  const update = (v: tf.Variable, g: tf.Tensor, s: tf.Variable[], lr: number): void => {
    tf.tidy(() => {
      if (spec.type === 'sgd') {
        const grad = spec.weightDecay > 0 ? tf.add(g, tf.mul(v, spec.weightDecay)) : g;
        const velocity = tf.add(tf.mul(s[0]!, spec.momentum), grad);
        s[0]!.assign(velocity);
        const direction = spec.nesterov ? tf.add(grad, tf.mul(velocity, spec.momentum)) : velocity;
        v.assign(tf.sub(v, tf.mul(direction, lr)));
      } else if (spec.type === 'lars') {
        const grad = spec.weightDecay > 0 ? tf.add(g, tf.mul(v, spec.weightDecay)) : g;
        // Layer-wise trust ratio (You et al. 2017); 1 for zero weights or gradients (biases at init).
        const wNorm = tf.norm(v).dataSync()[0]!;
        const gNorm = tf.norm(grad).dataSync()[0]!;
        const trust = wNorm > 0 && gNorm > 0 ? (spec.trustCoefficient * wNorm) / gNorm : 1;
        const velocity = tf.add(tf.mul(s[0]!, spec.momentum), tf.mul(grad, trust * lr));
        s[0]!.assign(velocity);
        v.assign(tf.sub(v, velocity));
      } else {
        const t = iterations;
        const grad = spec.type === 'adam' && spec.weightDecay > 0 ? tf.add(g, tf.mul(v, spec.weightDecay)) : g;
        const m = tf.add(tf.mul(s[0]!, spec.beta1), tf.mul(grad, 1 - spec.beta1));
        const second = tf.add(tf.mul(s[1]!, spec.beta2), tf.mul(tf.square(grad), 1 - spec.beta2));
        s[0]!.assign(m);
        s[1]!.assign(second);
        const mHat = tf.div(m, 1 - spec.beta1 ** t);
        const vHat = tf.div(second, 1 - spec.beta2 ** t);
        let next = tf.sub(v, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), spec.epsilon)), lr));
        if (spec.type === 'adamw' && spec.weightDecay > 0) next = tf.sub(next, tf.mul(v, lr * spec.weightDecay));
        v.assign(next);
      }
    });
  };

  return {
    apply(grads, learningRate) {
      iterations++;
      variables.forEach((v, i) => {
        const g = grads[v.name];
        if (g !== undefined) update(v, g, slots[i]!, learningRate);
      });
    },
    tensors() {
      return slots.flat().map((s) => ({ shape: [...s.shape], values: Float32Array.from(s.dataSync() as Float32Array) }));
    },
    extra() {
      return { iterations };
    },
    restore(tensors, extra) {
      const flat = slots.flat();
      if (tensors.length !== flat.length) throw new Error(`the checkpoint holds ${tensors.length} optimiser slots, this optimiser has ${flat.length}; was strategy.optimizer changed?`);
      flat.forEach((s, i) => s.assign(tf.tensor(tensors[i]!.values, s.shape, 'float32')));
      iterations = Number((extra as { iterations?: number } | undefined)?.iterations ?? 0);
    },
    dispose() {
      tf.dispose(slots.flat());
    },
  };
}
