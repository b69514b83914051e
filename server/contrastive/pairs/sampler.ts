// Batch samplers: which dataset indices form each batch of an epoch. A sampler's batches depend
// only on (seed, epoch), so a run resumed at epoch e draws exactly the batches it would have drawn.
import type { BatchSampler, SamplerSettings } from './batchSampler';
import type { SamplerOptions } from './declarations';
import { mPerClassSampler } from './mPerClassSampler';
import { randomSampler } from './randomSampler';

export interface SamplerData {
  /** The pool to draw from (e.g. the training split), as dataset indices. */
  readonly indices: Int32Array;
  /** Labels indexed by dataset index; needed by mPerClass, null for unlabelled data. */
  readonly labels: Int32Array | null;
}

export function createSampler(spec: SamplerOptions, data: SamplerData, settings: SamplerSettings): BatchSampler {
  switch (spec.type) {
    case 'random':
      return randomSampler(data.indices, settings);
    case 'mPerClass': {
      if (data.labels === null) {
        throw new Error('pairs.sampler: mPerClass needs labelled data, but this dataset has no labels; use sampler type random or give data.labelColumn');
      }
      return mPerClassSampler(data.indices, data.labels, spec.m, settings);
    }
  }
}
