// Adam (Kingma & Ba 2015) with bias correction, and AdamW (Loshchilov & Hutter 2019):
// adam adds λθ to the gradient (coupled L2, PyTorch's Adam); adamw instead shrinks the weight
// directly, θ ← θ·(1 − lr·λ), before the Adam step (decoupled decay).
import { tf } from '../backend';
import { fusedAdam, fusedAdamAvailable } from '../kernels/adam/wasmAdam';
import type { AdamOptions, AdamwOptions } from './adam.decl';
import { SlotOptimizer, type ParameterUpdate } from './optimizer';

type AdamSpec = AdamOptions | AdamwOptions;

export class Adam extends SlotOptimizer {
  constructor(private readonly spec: AdamSpec) {
    super(spec.type, spec.learningRate);
  }

  protected update({ name, variable, gradient }: ParameterUpdate, learningRate: number, step: number): void {
    const { beta1, beta2, epsilon, weightDecay } = this.spec;
    const decoupled = this.spec.type === 'adamw';
    if (fusedAdamAvailable()) {
      // The same rule in one kernel (kernels/wasmAdam.ts), the same numbers bit for bit.
      const [w, m, v] = fusedAdam(variable, gradient, this.slot(name, 'm', variable), this.slot(name, 'v', variable), { learningRate, beta1, beta2, epsilon, weightDecay, decoupled, step });
      this.slot(name, 'm', variable).assign(m);
      this.slot(name, 'v', variable).assign(v);
      variable.assign(w);
      return;
    }
    const g = !decoupled && weightDecay > 0 ? tf.add(gradient, tf.mul(variable, weightDecay)) : gradient;
    const m = this.slot(name, 'm', variable);
    const v = this.slot(name, 'v', variable);
    const mNext = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
    const vNext = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
    m.assign(mNext);
    v.assign(vNext);
    const mHat = tf.div(mNext, 1 - beta1 ** step);
    const vHat = tf.div(vNext, 1 - beta2 ** step);
    const base = decoupled && weightDecay > 0 ? tf.mul(variable, 1 - learningRate * weightDecay) : variable;
    variable.assign(tf.sub(base, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon)), learningRate)));
  }
}
