// Gathers samples (rows of the dataset's host array) into a tensor by copying them in JavaScript:
// the wasm backend's GatherV2 computes an index per element and took 6–7 ms for a batch of 256
// digits (half the time of the first layer's product); the copy takes a fraction of a millisecond.
// On wasm the rows go straight into a tensor allocated in the backend's memory: a fresh JavaScript
// array per chunk cost more than the copy itself (its pages are faulted in and zeroed: 18–60 ms per
// evaluation's 10,000 digits, against 2 ms into memory already in use). The values are the same, bit
// for bit.
import { tf } from '../contrastive/backend';
import { copyRows } from '../contrastive/data/rows';

export interface HostSamples {
  /** Every sample, one after another (count × prod(sampleShape)). */
  readonly values: Float32Array;
  readonly sampleShape: readonly number[];
}

/** The wasm backend's allocation of an output tensor and its view (public methods its typings omit). */
interface WasmAllocation {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/** The samples at `indices`, as a [indices.length, ...sampleShape] tensor. */
export function gatherRows(samples: HostSamples, indices: ArrayLike<number>): tf.Tensor {
  const size = samples.sampleShape.reduce((a, b) => a * b, 1);
  const shape = [indices.length, ...samples.sampleShape];
  if (tf.getBackend() !== 'wasm') return tf.tensor(copyRows(samples.values, size, indices), shape, 'float32');
  const backend = tf.backend() as unknown as WasmAllocation;
  const info = backend.makeOutput(shape, 'float32');
  const target = backend.typedArrayFromHeap(info);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    target.set(samples.values.subarray(row * size, (row + 1) * size), i * size);
  }
  return tf.engine().makeTensorFromTensorInfo(info);
}
