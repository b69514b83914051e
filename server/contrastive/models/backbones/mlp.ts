// MLP backbone: flatten → (dense → [batch norm] → activation → [dropout]) per hidden layer.
import { tf } from '../../backend';
import type { MlpOptions } from './mlp.decl';
import { activationLayer, apply, batchNorm, dense, type Symbolic } from '../layerParts';
import { SeededDropout, type DropoutSeed } from '../seededDropout';

export function mlpBackbone(spec: MlpOptions, input: Symbolic, dropoutSeed: DropoutSeed): Symbolic {
  let x = input.shape.length > 2 ? apply(tf.layers.flatten({ name: 'backbone_flatten' }), input) : input;
  spec.layers.forEach((units, i) => {
    const n = i + 1;
    // A dense layer followed by batch norm needs no bias: the norm's β replaces it.
    x = apply(dense(units, `backbone_dense_${n}`, !spec.batchNorm), x);
    if (spec.batchNorm) x = apply(batchNorm(`backbone_bn_${n}`), x);
    x = apply(activationLayer(spec.activation, `backbone_act_${n}`), x);
    if (spec.dropout > 0) x = apply(new SeededDropout({ rate: spec.dropout, name: `backbone_dropout_${n}`, seed: dropoutSeed }), x);
  });
  return x;
}
