// LARS (You et al. 2017) as used by SimCLR/BYOL: for weight matrices and kernels,
// g ← g + λθ and g ← η·‖θ‖/‖g‖·g (the layer-wise trust ratio; 1 when either norm is 0);
// biases and batch-norm γ/β (rank ≤ 1) get neither decay nor adaptation. Then momentum SGD:
// b ← μb + g;  θ ← θ − lr·b.
import { tf } from '../backend';
import type { LarsOptions } from './lars.decl';
import { isBiasOrNorm, SlotOptimizer, type ParameterUpdate } from './optimizer';

export class Lars extends SlotOptimizer {
  constructor(private readonly spec: LarsOptions) {
    super('lars', spec.learningRate);
  }

  protected update({ name, variable, gradient }: ParameterUpdate, learningRate: number): void {
    const { momentum, trustCoefficient, weightDecay } = this.spec;
    let g = gradient;
    if (!isBiasOrNorm(variable)) {
      if (weightDecay > 0) g = tf.add(g, tf.mul(variable, weightDecay));
      const weightNorm = tf.norm(variable);
      const gradNorm = tf.norm(g);
      const bothPositive = tf.logicalAnd(tf.greater(weightNorm, 0), tf.greater(gradNorm, 0));
      const ratio = tf.where(bothPositive, tf.div(tf.mul(weightNorm, trustCoefficient), tf.maximum(gradNorm, 1e-30)), tf.onesLike(weightNorm));
      g = tf.mul(g, ratio);
    }
    const buffer = this.slot(name, 'momentum', variable);
    const next = tf.add(tf.mul(buffer, momentum), g);
    buffer.assign(next);
    variable.assign(tf.sub(variable, tf.mul(next, learningRate)));
  }
}
