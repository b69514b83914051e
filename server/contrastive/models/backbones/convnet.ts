// Convnet backbone: per stage conv ('same') → [batch norm] → activation → 2×2 max-pool (halving the
// resolution while it is at least 2), then flatten: small images keep their spatial layout.
import { tf } from '../../backend';
import type { ConvnetOptions } from './convnet.decl';
import { activationLayer, apply, batchNorm, conv, type Symbolic } from '../layerParts';

export function convnetBackbone(spec: ConvnetOptions, input: Symbolic): Symbolic {
  let x = input;
  spec.channels.forEach((channels, i) => {
    const n = i + 1;
    x = apply(conv(channels, spec.kernelSize, `backbone_conv_${n}`, 1, !spec.batchNorm), x);
    if (spec.batchNorm) x = apply(batchNorm(`backbone_bn_${n}`), x);
    x = apply(activationLayer(spec.activation, `backbone_act_${n}`), x);
    const [, h, w] = x.shape;
    if ((h ?? 0) >= 2 && (w ?? 0) >= 2) x = apply(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `backbone_pool_${n}` }), x);
  });
  return apply(tf.layers.flatten({ name: 'backbone_flatten' }), x);
}
