// Gathers samples (rows of the dataset's host array) into a tensor by copying them in JavaScript
// and uploading once: the wasm backend's GatherV2 computes an index per element and took 6–7 ms
// for a batch of 256 digits (half the time of the first layer's product); the copy takes a
// fraction of a millisecond. The values are the same, bit for bit.
import { tf } from '../contrastive/backend';
import { copyRows } from '../contrastive/data/rows';

export interface HostSamples {
  /** Every sample, one after another (count × prod(sampleShape)). */
  readonly values: Float32Array;
  readonly sampleShape: readonly number[];
}

/** The samples at `indices`, as a [indices.length, ...sampleShape] tensor. */
export function gatherRows(samples: HostSamples, indices: ArrayLike<number>): tf.Tensor {
  const size = samples.sampleShape.reduce((a, b) => a * b, 1);
  return tf.tensor(copyRows(samples.values, size, indices), [indices.length, ...samples.sampleShape], 'float32');
}
