// Weighted k-nearest-neighbour accuracy (Wu et al. 2018; the DINO evaluation): each test embedding
// takes its k most cosine-similar training embeddings, each votes for its class with weight
// exp(cos / T), and the class with the largest total is the prediction.
import type { EmbeddingMatrix } from './embeddingMatrix';
import { classCount } from './labels';
import { searchNearest } from './search';

export interface KnnOptions {
  readonly k: number;
  /** Temperature T of the vote weights exp(cos / T); DINO uses 0.07. */
  readonly temperature: number;
}

export interface KnnResult {
  /** Fraction of test embeddings whose predicted class is their label. */
  readonly accuracy: number;
  readonly predictions: Int32Array;
}

export function knnAccuracy(train: EmbeddingMatrix, trainLabels: Int32Array, test: EmbeddingMatrix, testLabels: Int32Array, options: KnnOptions): KnnResult {
  if (!(options.temperature > 0)) throw new Error(`kNN evaluation: temperature must be positive, got ${options.temperature}`);
  if (train.rows === 0 || test.rows === 0) throw new Error(`kNN evaluation needs training and test embeddings (got ${train.rows} and ${test.rows})`);
  const classes = Math.max(classCount(trainLabels, train.rows, 'kNN training set'), classCount(testLabels, test.rows, 'kNN test set'));
  const k = Math.min(options.k, train.rows);
  const { indices, distances } = searchNearest(train, test, { k, metric: 'cosine' });
  const predictions = new Int32Array(test.rows);
  const votes = new Float64Array(classes);
  let correct = 0;
  for (let q = 0; q < test.rows; q++) {
    votes.fill(0);
    for (let j = 0; j < k; j++) {
      const row = indices[q * k + j] as number;
      const similarity = 1 - (distances[q * k + j] as number);
      votes[trainLabels[row] as number]! += Math.exp(similarity / options.temperature);
    }
    let best = 0;
    for (let c = 1; c < classes; c++) if ((votes[c] as number) > (votes[best] as number)) best = c;
    predictions[q] = best;
    if (best === testLabels[q]) correct++;
  }
  return { accuracy: correct / test.rows, predictions };
}
