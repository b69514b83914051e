// SGD with momentum and optional Nesterov momentum, with coupled L2 weight decay (PyTorch's rule):
// g ← g + λθ;  b ← μb + g;  θ ← θ − lr·(nesterov ? g + μb : b).  μ = 0 is plain SGD.
import { tf } from '../backend';
import type { SgdOptions } from './sgd.decl';
import { SlotOptimizer, type ParameterUpdate } from './optimizer';

export class Sgd extends SlotOptimizer {
  constructor(private readonly spec: SgdOptions) {
    super('sgd', spec.learningRate);
  }

  protected update({ name, variable, gradient }: ParameterUpdate, learningRate: number): void {
    const { momentum, nesterov, weightDecay } = this.spec;
    let g = weightDecay > 0 ? tf.add(gradient, tf.mul(variable, weightDecay)) : gradient;
    if (momentum > 0) {
      const buffer = this.slot(name, 'momentum', variable);
      // The buffer starts at zero, so the first step's buffer is g (as in PyTorch).
      const next = tf.add(tf.mul(buffer, momentum), g);
      buffer.assign(next);
      g = nesterov ? tf.add(g, tf.mul(next, momentum)) : next;
    }
    variable.assign(tf.sub(variable, tf.mul(g, learningRate)));
  }
}
