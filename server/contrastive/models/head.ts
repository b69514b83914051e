// An MLP head (projection or prediction): dense → [batch norm] → activation between layers, the
// last layer linear (SimCLR, BYOL, SimSiam heads all end without a non-linearity).
import type { Activation } from './activation.decl';
import { activationLayer, apply, batchNorm, dense, type Symbolic } from './layerParts';

/** A projection or prediction head: hidden and output sizes (the last is the output). */
export interface HeadOptions {
  readonly layers: readonly number[];
  readonly batchNorm: boolean;
  readonly activation: Activation;
}

export function buildHead(spec: HeadOptions, input: Symbolic, prefix: 'projection' | 'prediction'): Symbolic {
  let x = input;
  spec.layers.forEach((units, i) => {
    const n = i + 1;
    const last = i === spec.layers.length - 1;
    x = apply(dense(units, `${prefix}_dense_${n}`, last || !spec.batchNorm), x);
    if (!last) {
      if (spec.batchNorm) x = apply(batchNorm(`${prefix}_bn_${n}`), x);
      x = apply(activationLayer(spec.activation, `${prefix}_act_${n}`), x);
    }
  });
  return x;
}
