// Linear probe: a softmax classifier trained on frozen embeddings from a fraction of the labelled
// training set, scored on the test set. Features are standardised with the probe set's mean and
// std; weights start at zero (the problem is convex), minibatches are shuffled from a seed, so the
// same inputs and seed give the same accuracy.
import { tf } from '../backend';
import { Random } from '../random';
import type { EmbeddingMatrix } from './embeddingMatrix';
import { classCount } from './labels';

export interface LinearProbeOptions {
  /** Fraction of the training embeddings (per class, at least one each) that the probe may see. */
  readonly labelFraction: number;
  readonly epochs: number;
  readonly seed: number;
  readonly learningRate?: number;
  readonly batchSize?: number;
}

export interface LinearProbeResult {
  readonly accuracy: number;
  /** How many labelled training embeddings the probe was trained on. */
  readonly trainedOn: number;
}

/** A per-class random subset: round(fraction × class size) rows of each class, at least one. */
export function stratifiedSubset(labels: Int32Array, fraction: number, rng: Random): number[] {
  const byClass = new Map<number, number[]>();
  labels.forEach((label, row) => {
    const rows = byClass.get(label);
    if (rows === undefined) byClass.set(label, [row]);
    else rows.push(row);
  });
  const chosen: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = rng.shuffle(byClass.get(label) as number[]);
    chosen.push(...rows.slice(0, Math.max(1, Math.round(fraction * rows.length))));
  }
  return chosen.sort((a, b) => a - b);
}

function gatherRows(matrix: EmbeddingMatrix, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * matrix.dim);
  rows.forEach((row, i) => out.set(matrix.data.subarray(row * matrix.dim, (row + 1) * matrix.dim), i * matrix.dim));
  return out;
}

export function linearProbe(train: EmbeddingMatrix, trainLabels: Int32Array, test: EmbeddingMatrix, testLabels: Int32Array, options: LinearProbeOptions): LinearProbeResult {
  if (!(options.labelFraction > 0 && options.labelFraction <= 1)) {
    throw new Error(`linear probe: labelFraction must be in (0, 1], got ${options.labelFraction}`);
  }
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new Error(`linear probe: epochs must be a positive integer, got ${options.epochs}`);
  if (train.dim !== test.dim) throw new Error(`linear probe: training embeddings have dimension ${train.dim}, test embeddings ${test.dim}`);
  if (test.rows === 0) throw new Error('linear probe: the test set is empty; give data.split.testFraction a value above 0');
  const classes = Math.max(classCount(trainLabels, train.rows, 'linear probe training set'), classCount(testLabels, test.rows, 'linear probe test set'));
  const rng = new Random(options.seed);
  const probeRows = stratifiedSubset(trainLabels, options.labelFraction, rng);
  const batchSize = options.batchSize ?? 256;
  const dim = train.dim;

  const x = tf.tensor2d(gatherRows(train, probeRows), [probeRows.length, dim]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(probeRows.map((r) => trainLabels[r] as number), 'int32'), classes));
  const { mean, variance } = tf.moments(x, 0, true);
  const scale = tf.tidy(() => tf.div(1, tf.sqrt(tf.add(variance, 1e-6))));
  // tf.variable copies its initial value, so the zeros are made inside tidy to be released.
  const weights = tf.tidy(() => tf.variable(tf.zeros([dim, classes])));
  const bias = tf.tidy(() => tf.variable(tf.zeros([classes])));
  // Standardised inputs and a convex loss tolerate a large step, which matters for small probe sets
  // (few minibatches per epoch).
  const optimizer = tf.train.adam(options.learningRate ?? 0.1);
  const logitsOf = (features: tf.Tensor) => tf.add(tf.matMul(tf.mul(tf.sub(features, mean), scale), weights), bias);
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = rng.permutation(probeRows.length);
      for (let start = 0; start < order.length; start += batchSize) {
        const batch = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(tf.gather(y, batch), logitsOf(tf.gather(x, batch))) as tf.Scalar);
        batch.dispose();
      }
    }
    // The tensor leaves tidy, its values are read after: tidy walks a returned typed array element by element.
    const predicted = tf.tidy(() => tf.argMax(logitsOf(tf.tensor2d(test.data, [test.rows, dim])), 1));
    const predictions = predicted.dataSync() as Int32Array;
    predicted.dispose();
    let correct = 0;
    for (let i = 0; i < test.rows; i++) if (predictions[i] === testLabels[i]) correct++;
    return { accuracy: correct / test.rows, trainedOn: probeRows.length };
  } finally {
    optimizer.dispose();
    tf.dispose([x, y, mean, variance, scale, weights, bias]);
  }
}
