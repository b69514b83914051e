// The state a checkpoint holds so that a resumed run continues exactly: the network's (and EMA
// target's) weights, the loss's own parameters, the optimiser's step and slots, and the negatives
// queue — read off the backend for saving, and written back on resume.
import { tf } from '../contrastive/backend';
import type { ClassifierHead } from '../contrastive/heads/classifier';
import type { Loss } from '../contrastive/losses/types';
import type { ContrastiveModel } from '../contrastive/models';
import type { Optimizer } from '../contrastive/optim';
import type { OptimizerOptions } from '../contrastive/optim/declarations';
import type { MemoryQueue } from '../contrastive/pairs/memoryQueue';
import type { EmaTarget } from '../contrastive/strategies';
import type { LoadedCheckpoint, StoredTensor, TensorGroups } from './checkpoint';

/** The stateful parts of a run. */
export interface StatefulParts {
  readonly inputShape: readonly number[];
  readonly model: ContrastiveModel;
  readonly ema: EmaTarget | null;
  readonly loss: Loss;
  /** The classifier head (a classifying loss), or null. */
  readonly classifier: ClassifierHead | null;
  readonly optimizer: Optimizer;
  readonly optimizerType: OptimizerOptions['type'];
  readonly memory: MemoryQueue | null;
}

export interface TrainingState {
  /** Small JSON state (input shape, optimiser step and slot names, queue pointer). */
  readonly extra: Record<string, unknown>;
  readonly tensors: TensorGroups;
}

export function toStored(tensors: readonly tf.Tensor[]): StoredTensor[] {
  return tensors.map((t) => ({ shape: [...t.shape], values: Float32Array.from(t.dataSync() as Float32Array) }));
}

function assignStored(variables: readonly tf.Variable[], stored: readonly StoredTensor[] | undefined, what: string): void {
  if (stored === undefined || stored.length !== variables.length) {
    throw new Error(`the checkpoint's ${what} has ${stored?.length ?? 0} tensors but this run has ${variables.length}; was spec.json edited after the run started?`);
  }
  variables.forEach((v, i) => {
    const s = stored[i]!;
    if (s.values.length !== v.size) throw new Error(`the checkpoint's ${what} tensor ${i} has ${s.values.length} values, expected ${v.size} (shape [${v.shape.join(', ')}])`);
    v.assign(tf.tensor(s.values, v.shape, 'float32'));
  });
}

/** What a checkpoint holds, read off the backend once. */
export function captureState(p: StatefulParts): TrainingState {
  const state = p.optimizer.getState();
  const slotNames = Object.keys(state.slots).sort();
  const optimizerSlots = toStored(slotNames.map((n) => state.slots[n]!));
  tf.dispose(Object.values(state.slots));
  const weights = p.model.getWeights();
  const targetWeights = p.ema?.target.getWeights() ?? [];
  const q = p.memory?.getState();
  try {
    const extra = { inputShape: [...p.inputShape], optimizer: { step: state.step, slots: slotNames }, ...(q ? { queue: { pointer: q.pointer, filled: q.filled } } : {}) };
    const tensors = {
      model: toStored(weights),
      ...(p.ema !== null ? { target: toStored(targetWeights) } : {}),
      loss: toStored(p.loss.trainableVariables),
      ...(p.classifier !== null ? { classifier: toStored([p.classifier.kernel, p.classifier.bias]) } : {}),
      optimizer: optimizerSlots,
      ...(q ? { queue: [{ shape: [q.size, q.dim], values: q.keys }, { shape: [q.size], values: Float32Array.from(q.labels) }, { shape: [q.size], values: Float32Array.from(q.ids) }] } : {}),
    };
    return { extra, tensors };
  } finally {
    tf.dispose([...weights, ...targetWeights]);
  }
}

/** Writes a checkpoint's state back into the parts. */
export function restoreState(p: StatefulParts, checkpoint: LoadedCheckpoint): void {
  const g = checkpoint.groups;
  const load = (m: ContrastiveModel, stored: readonly StoredTensor[]): void => {
    const tensors = stored.map((t) => tf.tensor(t.values, [...t.shape]));
    try {
      m.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
  };
  load(p.model, g['model'] ?? []);
  if (p.ema !== null) load(p.ema.target, g['target'] ?? []);
  assignStored(p.loss.trainableVariables, g['loss'] ?? [], 'loss parameters');
  if (p.classifier !== null) assignStored([p.classifier.kernel, p.classifier.bias], g['classifier'], 'classifier head');
  const slotNames = ((checkpoint.state.extra['optimizer'] ?? {}) as { slots?: string[] }).slots ?? [];
  const slotTensors = g['optimizer'] ?? [];
  const slots: Record<string, tf.Tensor> = {};
  slotNames.forEach((name, i) => {
    const t = slotTensors[i]!;
    slots[name] = tf.tensor(t.values, [...t.shape]);
  });
  const step = ((checkpoint.state.extra['optimizer'] ?? {}) as { step?: number }).step ?? 0;
  try {
    p.optimizer.setState({ type: p.optimizerType, step, slots });
  } finally {
    tf.dispose(Object.values(slots));
  }
  if (p.memory !== null) {
    const q = (checkpoint.state.extra['queue'] ?? null) as { pointer: number; filled: number } | null;
    const [keys, labels, ids] = g['queue'] ?? [];
    if (q !== null && keys && labels && ids) {
      p.memory.setState({ size: p.memory.size, dim: p.memory.dim, pointer: q.pointer, filled: q.filled, keys: keys.values, labels: Int32Array.from(labels.values), ids: Int32Array.from(ids.values) });
    }
  }
}
