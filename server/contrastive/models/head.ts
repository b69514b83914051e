// An MLP head (projection or prediction): dense → [batch norm] → activation between layers, the
// last layer linear (SimCLR, BYOL, SimSiam heads all end without a non-linearity).
import type { HeadSpec } from '../../spec/types';
import { activationLayer, apply, batchNorm, dense, type Symbolic } from './layerParts';

export function buildHead(spec: HeadSpec, input: Symbolic, prefix: 'projection' | 'prediction'): Symbolic {
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
