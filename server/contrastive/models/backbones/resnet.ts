// A small residual network (He et al. 2016, pre-2016 "basic block" form): a 3×3 stem, then stages
// of blocks conv-bn-act-conv-bn (+ shortcut) → act; the first block of every stage after the first
// halves the resolution with stride 2 and a 1×1 projection shortcut. Global average pooling at the end.
import { tf } from '../../backend';
import type { ResnetOptions } from './resnet.decl';
import { activationLayer, apply, batchNorm, conv, type Symbolic } from '../layerParts';

type ResnetSpec = ResnetOptions;

function block(x: Symbolic, channels: number, stride: number, spec: ResnetSpec, name: string): Symbolic {
  let y = apply(conv(channels, 3, `${name}_conv_a`, stride, false), x);
  y = apply(batchNorm(`${name}_bn_a`), y);
  y = apply(activationLayer(spec.activation, `${name}_act_a`), y);
  y = apply(conv(channels, 3, `${name}_conv_b`, 1, false), y);
  y = apply(batchNorm(`${name}_bn_b`), y);
  const inChannels = x.shape[x.shape.length - 1];
  let shortcut = x;
  if (stride !== 1 || inChannels !== channels) {
    shortcut = apply(conv(channels, 1, `${name}_shortcut_conv`, stride, false), x);
    shortcut = apply(batchNorm(`${name}_shortcut_bn`), shortcut);
  }
  const sum = tf.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as Symbolic;
  return apply(activationLayer(spec.activation, `${name}_out`), sum);
}

export function resnetBackbone(spec: ResnetSpec, input: Symbolic): Symbolic {
  const first = spec.channels[0] ?? 16;
  let x = apply(conv(first, 3, 'backbone_stem_conv', 1, false), input);
  x = apply(batchNorm('backbone_stem_bn'), x);
  x = apply(activationLayer(spec.activation, 'backbone_stem_act'), x);
  spec.channels.forEach((channels, stage) => {
    for (let b = 0; b < spec.blocksPerStage; b++) {
      const [, h] = x.shape;
      const stride = stage > 0 && b === 0 && (h ?? 0) >= 2 ? 2 : 1;
      x = block(x, channels, stride, spec, `backbone_stage${stage + 1}_block${b + 1}`);
    }
  });
  return apply(tf.layers.globalAveragePooling2d({ name: 'backbone_pool' }), x);
}
