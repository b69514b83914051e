// The gradients of Sum and Mean, as tfjs defines them (dy broadcast over the reduced axes, by a
// multiplication with ones), with the ones made by the backend's Fill kernel instead of a JavaScript
// array. tfjs' own gradient builds that array in JavaScript and uploads it on every backward pass:
// for the losses' sums over a [512, 512] similarity matrix that was 1.8 ms of a 78 ms SimCLR step on
// wasm. The operations and their order are tfjs', so the gradients are the same bit for bit.
import * as tf from '@tensorflow/tfjs';

/** dy reshaped so that the reduced axes of x have size 1 (broadcastable against x). */
function expandedGradient(dy: tf.Tensor, x: tf.Tensor, axis: unknown): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis as number | number[], x.shape);
  const shape = x.shape.slice();
  for (const a of axes) shape[a] = 1;
  return tf.reshape(dy, shape);
}

let registered = false;

/** Registers both gradients (they are global, not per backend); safe to call more than once. */
export function registerReductionGradients(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => tf.mul(expandedGradient(dy as tf.Tensor, x, attrs['axis']), tf.fill(x.shape, 1, 'float32')) };
    },
  });
  tf.registerGradient({
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const axes = tf.util.parseAxisParam(attrs['axis'] as number | number[], x.shape);
      const reduceSize = axes.reduce((size, a) => size * x.shape[a]!, 1);
      return { x: () => tf.div(tf.mul(expandedGradient(dy as tf.Tensor, x, attrs['axis']), tf.fill(x.shape, 1, 'float32')), reduceSize) };
    },
  });
}
