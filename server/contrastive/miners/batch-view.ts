// What every miner reads from a batch: the distance matrix on the host, and the labels.
import { tf } from '../backend';
import type { Distance } from '../distances/types';
import type { MinerInput } from './types';

export interface BatchView {
  /** rows×cols distance (or similarity) matrix, row-major. */
  readonly matrix: Float32Array;
  readonly rows: number;
  readonly cols: number;
  readonly labels: ArrayLike<number>;
  readonly refLabels: ArrayLike<number>;
  /** True when pairs are within one set (the diagonal is not a pair). */
  readonly self: boolean;
}

export function batchView(distance: Distance, input: MinerInput, minerName: string): BatchView {
  const { embeddings, labels } = input;
  if (labels.length !== embeddings.shape[0]) {
    throw new Error(`${minerName} miner: ${labels.length} labels for ${embeddings.shape[0]} embeddings; give one label per row.`);
  }
  const self = input.refEmbeddings === undefined;
  const refLabels = input.refLabels ?? labels;
  if (!self && refLabels.length !== input.refEmbeddings?.shape[0]) {
    throw new Error(`${minerName} miner: refLabels must give one label per refEmbeddings row.`);
  }
  const matrixTensor = tf.tidy(() => distance.pairwise(embeddings, input.refEmbeddings));
  const matrix = matrixTensor.dataSync() as Float32Array;
  matrixTensor.dispose();
  return { matrix, rows: embeddings.shape[0], cols: self ? embeddings.shape[0] : refLabels.length, labels, refLabels, self };
}

export function isPositive(view: BatchView, i: number, j: number): boolean {
  return view.labels[i] === view.refLabels[j] && !(view.self && i === j);
}

export function isNegative(view: BatchView, i: number, j: number): boolean {
  return view.labels[i] !== view.refLabels[j];
}
