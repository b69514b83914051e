// Checks a distance fixture: the matrix, the probe's gradients and the softmax distributions.
import { tf } from '../backend';
import { isDistributionDistance } from '../distances/types';
import { compareGradient, compareValues } from './compare';
import type { Fixture, Matrix } from './fixture';
import { distanceFromFixture, FixtureFormatError } from './map-params';

export function runDistanceFixture(fixture: Fixture): string[] {
  const distance = distanceFromFixture(fixture);
  const { embeddings, refEmbeddings, probeWeights } = fixture.inputs;
  const cross = fixture.mode === 'cross';
  if (cross && refEmbeddings === null) throw new FixtureFormatError('mode is "cross" but inputs.refEmbeddings is null');
  if (probeWeights === undefined) throw new FixtureFormatError('inputs.probeWeights is missing');
  const expected = fixture.expected as {
    matrix: Matrix;
    gradEmbeddings: Matrix;
    gradRefEmbeddings?: Matrix;
    queryDistributions?: Matrix;
    refDistributions?: Matrix;
  };
  const failures: (string | null)[] = [];
  tf.tidy(() => {
    const x = tf.tensor2d(embeddings);
    const y = cross && refEmbeddings !== null ? tf.tensor2d(refEmbeddings) : undefined;
    const weights = tf.tensor2d(probeWeights);
    failures.push(compareValues('matrix', distance.pairwise(x, y).dataSync(), expected.matrix));
    if (y === undefined) {
      const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(weights, distance.pairwise(a as tf.Tensor2D))));
      failures.push(compareGradient('gradEmbeddings', grad(x).dataSync(), expected.gradEmbeddings));
    } else {
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(weights, distance.pairwise(a as tf.Tensor2D, b as tf.Tensor2D))));
      const [ga, gb] = grads([x, y]);
      failures.push(compareGradient('gradEmbeddings', ga?.dataSync() ?? [], expected.gradEmbeddings));
      if (expected.gradRefEmbeddings !== undefined) {
        failures.push(compareGradient('gradRefEmbeddings', gb?.dataSync() ?? [], expected.gradRefEmbeddings));
      }
    }
    if (isDistributionDistance(distance)) {
      if (expected.queryDistributions !== undefined) {
        failures.push(compareValues('queryDistributions', distance.distributions(x).dataSync(), expected.queryDistributions));
      }
      if (expected.refDistributions !== undefined) {
        failures.push(compareValues('refDistributions', distance.distributions(y ?? x).dataSync(), expected.refDistributions));
      }
    }
  });
  return failures.filter((f): f is string => f !== null);
}
