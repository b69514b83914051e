// Shared behaviour of losses that own no variables.
import type { tf } from '../backend';
import type { Distance } from '../distances/types';
import type { LossType } from './declarations';
import type { Loss, LossInput, LossInputForm } from './types';

export abstract class StatelessLoss implements Loss {
  abstract readonly type: LossType;
  abstract readonly input: LossInputForm;
  abstract readonly supportsReference: boolean;
  abstract readonly supportsMining: boolean;
  readonly trainableVariables: readonly tf.Variable[] = [];
  abstract compute(input: LossInput): tf.Scalar;
  dispose(): void {
    // Nothing to free: no variables.
  }
}

/** pytorch-metric-learning's distance.margin(x, y): how far x is "beyond" y in the closer direction. */
export function margin(distance: Distance, x: tf.Tensor | number, y: tf.Tensor | number, ops: typeof tf): tf.Tensor {
  return distance.isInverted ? ops.sub(y, x) : ops.sub(x, y);
}
