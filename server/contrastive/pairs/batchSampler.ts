// What every batch sampler is and takes; the samplers implement it and sampler.ts picks one
// (kept apart so the samplers do not import the module that imports them).

export interface BatchSampler {
  /** The number of batches every epoch has. */
  readonly batchesPerEpoch: number;
  /** The epoch's batches, each a list of dataset indices. */
  batches(epoch: number): Int32Array[];
}

export interface SamplerSettings {
  readonly batchSize: number;
  readonly seed: number;
  /** Random sampler only: leave out the last, smaller batch (losses that need full batches). */
  readonly dropLast: boolean;
}
