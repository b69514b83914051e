// The optimiser contract shared by sgd, adam, adamw and lars: the learning rate is passed to every
// step (so any schedule drives it), and the state (step count + per-weight slots such as moments)
// can be read and restored exactly for resume. Slots are keyed "<weight name>/<slot>" where the
// weight name is the model's stable name (NamedVariable.name), not tfjs' process-unique one.
import { tf } from '../backend';
import type { OptimizerType } from './declarations';

/** One weight and its gradient for this step. */
export interface ParameterUpdate {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly gradient: tf.Tensor;
}

export interface OptimizerState {
  readonly type: OptimizerType;
  /** Number of updates applied so far. */
  readonly step: number;
  /** Copies of the slot tensors; the receiver owns (and disposes) them. */
  readonly slots: Readonly<Record<string, tf.Tensor>>;
}

export interface Optimizer {
  readonly type: OptimizerType;
  /** The spec's learning rate: the peak a schedule scales. */
  readonly baseLearningRate: number;
  readonly step: number;
  /** Applies one update with this step's learning rate. Gradients are not disposed. */
  applyGradients(updates: readonly ParameterUpdate[], learningRate: number): void;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
  dispose(): void;
}

/** Whether a weight is a bias or a batch-norm γ/β (rank ≤ 1): LARS neither adapts nor decays those. */
export function isBiasOrNorm(variable: tf.Variable): boolean {
  return variable.rank <= 1;
}

/** Slot storage and state round-trip; subclasses implement the update rule. */
export abstract class SlotOptimizer implements Optimizer {
  private readonly slots = new Map<string, tf.Variable>();
  private steps = 0;

  protected constructor(readonly type: OptimizerType, readonly baseLearningRate: number) {}

  get step(): number {
    return this.steps;
  }

  applyGradients(updates: readonly ParameterUpdate[], learningRate: number): void {
    if (!Number.isFinite(learningRate) || learningRate < 0) throw new Error(`The learning rate for step ${this.steps + 1} is ${learningRate}; it must be a finite number ≥ 0 (check the schedule).`);
    this.steps += 1;
    for (const update of updates) {
      if (!tf.util.arraysEqual(update.gradient.shape, update.variable.shape)) {
        throw new Error(`The gradient of ${update.name} has shape [${update.gradient.shape.join(', ')}] but the weight has [${update.variable.shape.join(', ')}].`);
      }
      tf.tidy(() => this.update(update, learningRate, this.steps));
    }
  }

  /** Updates one weight in place (called inside tf.tidy); `step` counts from 1. */
  protected abstract update(update: ParameterUpdate, learningRate: number, step: number): void;

  /** The slot `slot` of weight `name`, created as zeros shaped like `like` on first use. */
  protected slot(name: string, slot: string, like: tf.Tensor): tf.Variable {
    const key = `${name}/${slot}`;
    let v = this.slots.get(key);
    if (v === undefined) {
      v = tf.keep(tf.variable(tf.zerosLike(like), false));
      this.slots.set(key, v);
    }
    return v;
  }

  getState(): OptimizerState {
    const slots: Record<string, tf.Tensor> = {};
    for (const [key, v] of this.slots) slots[key] = v.clone();
    return { type: this.type, step: this.steps, slots };
  }

  setState(state: OptimizerState): void {
    if (state.type !== this.type) {
      throw new Error(`Cannot restore ${state.type} optimiser state into a ${this.type} optimiser; resume with the optimiser the checkpoint was trained with.`);
    }
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`Optimiser state has step ${state.step}; expected a non-negative integer.`);
    this.disposeSlots();
    for (const [key, t] of Object.entries(state.slots)) this.slots.set(key, tf.keep(tf.variable(t.clone(), false)));
    this.steps = state.step;
  }

  private disposeSlots(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }

  dispose(): void {
    this.disposeSlots();
  }
}
