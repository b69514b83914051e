// Seeded initial weights: the run's seed decides every kernel, so two runs with the same seed start
// from the same network (and a stopped-and-resumed run can be compared with an uninterrupted one).
// Kernels (rank ≥ 2) are redrawn He-normal, std = √(2 / fan-in), from a stream named by the weight;
// biases and batch-norm parameters keep their constant initial values.
import { tf } from '../contrastive/backend';
import type { ContrastiveModel } from '../contrastive/models';
import { derivedRandom } from '../contrastive/random';

export function initializeSeeded(model: ContrastiveModel, seed: number): void {
  for (const { name, variable, trainable } of model.namedVariables()) {
    if (!trainable || variable.rank < 2) continue;
    const shape = variable.shape;
    const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const std = Math.sqrt(2 / fanIn);
    const rng = derivedRandom(seed, 'init', name);
    const values = new Float32Array(variable.size);
    for (let i = 0; i < values.length; i++) values[i] = rng.normal(0, std);
    tf.tidy(() => variable.assign(tf.tensor(values, shape, 'float32')));
  }
}
