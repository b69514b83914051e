// Random horizontal and/or vertical flips. A flip is a crop box with reversed corners, so the
// whole batch (each sample with its own flips) is one exact cropAndResize call.
import { tf } from '../backend';
import type { FlipOptions } from './flip.decl';
import { type Augmentation, imageShape } from './augmentation';

type Op = FlipOptions;

export const flip: Augmentation<Op> = {
  type: 'flip',
  input: 'image',
  apply(batch, op, rng) {
    const [n, h, w] = imageShape(batch, op.type);
    const boxes = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      // Each enabled axis is flipped independently with the op's probability.
      const flipH = op.horizontal && rng.bernoulli(op.probability);
      const flipV = op.vertical && rng.bernoulli(op.probability);
      boxes.set([flipV ? 1 : 0, flipH ? 1 : 0, flipV ? 0 : 1, flipH ? 0 : 1], i * 4);
    }
    return tf.image.cropAndResize(batch as tf.Tensor4D, tf.tensor2d(boxes, [n, 4]), tf.range(0, n, 1, 'int32') as tf.Tensor1D, [h, w], 'bilinear');
  },
};
