// Stop-gradient: the value passes through, no gradient flows back (SimSiam, BYOL, MoCo targets).
// tfjs has no stop_gradient op; a custom gradient of zeros cuts the path for every optimiser.
import { tf } from '../backend';

const blocked = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = inputs[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

export function stopGradient<T extends tf.Tensor>(x: T): T {
  return blocked(x) as T;
}
