// The per-step check that nothing non-finite got into a run: the augmented inputs, the loss, the
// gradients and every weight after the update (batch-norm statistics included). One fused reduction
// and one read per step keep it cheap; only when it trips does a second, slower pass name the tensor.
// It exists because some backends hide a NaN: wasm's fused matmul + relu turns NaN into 0, so a
// poisoned batch can leave a finite loss over a dead network, and a loss check alone never fires.
import { tf } from '../contrastive/backend';
import { POISON_KERNEL } from '../contrastive/kernels/reduce/wasmReduce';

export type FaultKind = 'inputs' | 'loss' | 'gradient' | 'parameter';

/** What went non-finite, where, and what to do about it. */
export interface NonFiniteFault {
  readonly kind: FaultKind;
  /** The tensor: "view 2 (pairs.views.strong)", "loss", or a weight's name such as backbone_dense_1/kernel. */
  readonly tensor: string;
  /** The first offending value: NaN, Infinity or -Infinity. */
  readonly value: number;
  /** The loss of the step (it may be finite while another tensor is not). */
  readonly loss: number;
}

export interface GuardedTensor {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

export interface StepCheck {
  readonly inputs: readonly GuardedTensor[];
  readonly loss: tf.Scalar;
  readonly gradients: readonly GuardedTensor[];
  /** Weights after the update, batch-norm moving statistics and EMA target included. */
  readonly parameters: readonly GuardedTensor[];
}

/** 0 when every element of the tensors is finite, NaN otherwise (x·0 is NaN exactly for NaN and ±∞). */
function poison(tensors: readonly GuardedTensor[]): tf.Scalar {
  if (tensors.length === 0) return tf.scalar(0);
  // wasm: one pass per tensor in our kernel (kernels/reduce/), no temporary x·0 tensors.
  if (tf.getKernel(POISON_KERNEL, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(POISON_KERNEL, Object.fromEntries(tensors.map((t, i) => [`t${i}`, t.tensor]))) as tf.Scalar;
  }
  return tf.addN(tensors.map((t) => tf.sum(tf.mul(t.tensor, 0)))) as tf.Scalar;
}

function firstNonFinite(t: tf.Tensor): number | null {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) return v;
  }
  return null;
}

function findIn(tensors: readonly GuardedTensor[]): { name: string; value: number } | null {
  for (const t of tensors) {
    const value = firstNonFinite(t.tensor);
    if (value !== null) return { name: t.name, value };
  }
  return null;
}

/**
 * Checks one step; null when everything is finite. Reads one 4-element tensor from the backend;
 * on a fault, reads the tensors of the failing group one by one to name the first bad one.
 */
export async function checkStep(check: StepCheck): Promise<{ loss: number; fault: NonFiniteFault | null }> {
  const summary = tf.tidy(() => tf.stack([poison(check.inputs), check.loss, poison(check.gradients), poison(check.parameters)]));
  const [inputs, loss, gradients, parameters] = Array.from(await summary.data());
  summary.dispose();
  const lossValue = loss!;
  if (Number.isFinite(inputs) && Number.isFinite(lossValue) && Number.isFinite(gradients) && Number.isFinite(parameters)) return { loss: lossValue, fault: null };
  // The earliest stage that went bad is the cause; later stages only inherit it.
  if (!Number.isFinite(inputs)) {
    const bad = findIn(check.inputs);
    if (bad !== null) return { loss: lossValue, fault: { kind: 'inputs', tensor: bad.name, value: bad.value, loss: lossValue } };
  }
  if (!Number.isFinite(lossValue)) return { loss: lossValue, fault: { kind: 'loss', tensor: 'loss', value: lossValue, loss: lossValue } };
  if (!Number.isFinite(gradients)) {
    const bad = findIn(check.gradients);
    if (bad !== null) return { loss: lossValue, fault: { kind: 'gradient', tensor: bad.name, value: bad.value, loss: lossValue } };
  }
  const bad = findIn(check.parameters) ?? { name: 'a weight', value: NaN };
  return { loss: lossValue, fault: { kind: 'parameter', tensor: bad.name, value: bad.value, loss: lossValue } };
}

/** One sentence for the user: what became non-finite at which step, and why that usually happens. */
export function describeFault(fault: NonFiniteFault, step: number, epoch: number, lr: number, recipeHints: string): string {
  const at = `at step ${step} (epoch ${epoch}, learning rate ${lr.toPrecision(3)})`;
  switch (fault.kind) {
    case 'inputs':
      return `the input batch became ${fault.value} ${at}: ${fault.tensor} contains a non-finite value before the network saw it. The data or an augmentation produced it; check the data file for NaN/Inf entries and the augmentation settings.`;
    case 'loss':
      return `the loss became ${fault.value} ${at}. ${recipeHints}`;
    case 'gradient':
      return `the gradient of ${fault.tensor} became ${fault.value} ${at} (the loss was ${fault.loss.toPrecision(5)}). ${recipeHints}`;
    case 'parameter':
      return `the weight ${fault.tensor} became ${fault.value} ${at} (the loss was ${fault.loss.toPrecision(5)}); the update overflowed. ${recipeHints}`;
  }
}
