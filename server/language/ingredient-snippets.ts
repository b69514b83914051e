// Whole-ingredient snippets: complete, valid blocks for the common recipes, offered where the
// ingredient's key is missing. A test checks every snippet passes the spec pipeline unchanged.

export interface IngredientSnippet {
  /** The top-level key the snippet fills. */
  readonly key: string;
  readonly label: string;
  readonly documentation: string;
  readonly value: Readonly<Record<string, unknown>>;
}

const twoViews = {
  weak: [{ type: 'randomResizedCrop', scale: [0.6, 1] }, { type: 'flip' }],
  strong: [{ type: 'randomResizedCrop', scale: [0.3, 1] }, { type: 'gaussianBlur' }, { type: 'cutout' }],
};

export const INGREDIENT_SNIPPETS: readonly IngredientSnippet[] = [
  {
    key: 'pairs',
    label: 'pairs: SimCLR (two augmented views, in-batch negatives)',
    documentation:
      'Self-supervised pairs as in SimCLR (Chen et al. 2020): each sample yields a weak and a strong augmented view; the two views are positives, every other sample in the batch is a negative. Pair it with `loss: {type: infoNCE}`.',
    value: { positives: 'augmentation', views: twoViews, negatives: { type: 'batch' } },
  },
  {
    key: 'pairs',
    label: 'pairs: supervised (labels, m per class, batch-hard mining)',
    documentation:
      'Supervised pairs: samples of the same class are positives. The `mPerClass` sampler fills each batch with `m` samples from each of `batchSize / m` classes, so every anchor has positives (keep `batchSize / m` at or below the number of classes: 32 suits the default batch of 256 on 10 digit classes); batch-hard mining keeps the hardest positive and negative per anchor. Pair it with `loss: {type: triplet}` or `supCon`.',
    value: { positives: 'labels', negatives: { type: 'batch' }, sampler: { type: 'mPerClass', m: 32 }, mining: { type: 'batchHard' } },
  },
  {
    key: 'pairs',
    label: 'pairs: MoCo (augmented views, a queue of negatives)',
    documentation:
      'MoCo-style pairs (He et al. 2020): two augmented views are positives; negatives come from a queue of keys from past batches, so there are many more than fit in one batch. Usually combined with an EMA target network (`strategy.ema`).',
    value: { positives: 'augmentation', views: twoViews, negatives: { type: 'queue', size: 1024 } },
  },
];
