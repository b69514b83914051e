// Feature masking (as in VIME / SCARF-style tabular SSL): on each chosen row, every feature is set
// to 0 independently with probability `fraction`. No rescaling, so the masked view stays on the
// data's own scale.
import { tf } from '../backend';
import type { FeatureMaskOptions } from './featureMask.decl';
import { type Augmentation, chooseSamples, perSampleColumn, vectorShape } from './augmentation';

type Op = FeatureMaskOptions;

export const featureMask: Augmentation<Op> = {
  type: 'featureMask',
  input: 'vector',
  apply(batch, op, rng) {
    const [n] = vectorShape(batch, op.type);
    const chosen = chooseSamples(n, op.probability, rng).map((c) => (c ? 1 : 0));
    const dropped = tf.cast(tf.less(tf.randomUniform(batch.shape, 0, 1, 'float32', rng.nextSeed()), op.fraction), 'float32');
    return tf.mul(batch, tf.sub(1, tf.mul(dropped, perSampleColumn(chosen, 2))));
  },
};
