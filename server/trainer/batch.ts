// The tensors one step trains on: the batch's samples gathered from the dataset, augmented into
// two views (or once, weakly), with their labels; and the names the finite-value guard reports
// them by. The augmentation pipelines arrive built (parts.ts reads them from the spec).
import type { SeededAugmentationPipeline } from '../contrastive/augment/pipeline';
import type { TwoViewAugmenter } from '../contrastive/pairs/twoViews';
import { derivedRandom } from '../contrastive/random';
import type { GuardedTensor } from './finiteGuard';
import { gatherRows, type HostSamples } from './gatherRows';
import type { StepBatch } from './methods/types';

export interface BatchSource {
  /** Every sample, on the host. */
  readonly samples: HostSamples;
  /** Class labels by sample index, or null when the run trains without labels. */
  readonly labels: Int32Array | null;
  /** Two augmented views of each sample, or null for one view. */
  readonly twoViews: TwoViewAugmenter | null;
  /** The weak pipeline applied to the single view, or null to use the samples as they are. */
  readonly weakOnly: SeededAugmentationPipeline | null;
  readonly seed: number;
}

export interface BatchBuilder {
  make(indices: Int32Array, step: number): StepBatch;
  /** The batch's input tensors, named after the spec fields that produced them. */
  inputs(batch: StepBatch): GuardedTensor[];
  /** The batch `make` will be asked for next, for a builder that makes it ahead (batchPrefetch.ts). */
  prepare(indices: Int32Array, step: number): void;
  dispose(): void;
}

export function batchBuilder(source: BatchSource): BatchBuilder {
  const { samples, labels, twoViews, weakOnly, seed } = source;
  const viewNames = twoViews !== null ? ['view 1 (pairs.views.weak)', 'view 2 (pairs.views.strong)'] : [weakOnly !== null ? 'the batch (after pairs.views.weak)' : 'the batch'];
  return {
    make(indices, step) {
      const batchLabels = labels !== null ? Int32Array.from(indices, (i) => labels[i]!) : null;
      const x = gatherRows(samples, indices);
      if (twoViews !== null) {
        const { view1, view2 } = twoViews(x, step);
        x.dispose();
        return { labels: batchLabels, view1, view2 };
      }
      if (weakOnly !== null) {
        const view1 = weakOnly(x, derivedRandom(seed, 'views', 'weak', step));
        x.dispose();
        return { labels: batchLabels, view1, view2: null };
      }
      return { labels: batchLabels, view1: x, view2: null };
    },
    inputs: (batch) => [batch.view1, ...(batch.view2 ? [batch.view2] : [])].map((tensor, i) => ({ name: viewNames[i]!, tensor })),
    // This builder makes each batch when asked, and holds nothing of its own.
    prepare: () => undefined,
    dispose: () => undefined,
  };
}
