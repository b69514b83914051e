// The resolved experiment spec: what the spec pipeline hands to the trainer and the library.
// Every field here has a default in schemas/experiment.schema.json (the single source of truth);
// this file is the TypeScript mirror of that schema after defaults are applied. A test keeps the
// two in step (every `type` string below is offered by the schema and implemented by the library).

export type DataFormat = 'builtin' | 'images' | 'csv' | 'jsonl';
export type Normalisation = 'none' | 'zeroOne' | 'standardize';

export interface DataSpec {
  /** `builtin:digits`, a path to an image folder, or a path to a .csv / .jsonl file (relative to the spec file). */
  readonly source: string;
  /** Derived from `source` unless given. */
  readonly format: DataFormat;
  /** For csv/jsonl: the column (or key) holding the label; null = unlabelled. */
  readonly labelColumn: string | null;
  /** Whether the trainer may use labels for training (evaluation always uses them when present). */
  readonly useLabels: boolean;
  readonly split: { readonly testFraction: number; readonly seed: number };
  /** Images are resized to imageSize × imageSize. */
  readonly imageSize: number;
  readonly channels: 1 | 3;
  readonly normalize: Normalisation;
  /** Use at most this many samples (before the split); null = all. */
  readonly limit: number | null;
}

// ---- pairs ---------------------------------------------------------------------------------
export type AugmentationOp =
  | { readonly type: 'randomResizedCrop'; readonly probability: number; readonly scale: readonly [number, number]; readonly ratio: readonly [number, number] }
  | { readonly type: 'flip'; readonly probability: number; readonly horizontal: boolean; readonly vertical: boolean }
  | { readonly type: 'affine'; readonly probability: number; readonly degrees: number; readonly translate: number; readonly scale: readonly [number, number] }
  | { readonly type: 'brightness'; readonly probability: number; readonly delta: number }
  | { readonly type: 'contrast'; readonly probability: number; readonly range: readonly [number, number] }
  | { readonly type: 'hue'; readonly probability: number; readonly delta: number }
  | { readonly type: 'grayscale'; readonly probability: number }
  | { readonly type: 'gaussianNoise'; readonly probability: number; readonly std: number }
  | { readonly type: 'gaussianBlur'; readonly probability: number; readonly sigma: readonly [number, number]; readonly kernelSize: number }
  | { readonly type: 'cutout'; readonly probability: number; readonly size: number; readonly count: number }
  // vector data
  | { readonly type: 'featureNoise'; readonly probability: number; readonly std: number }
  | { readonly type: 'featureMask'; readonly probability: number; readonly fraction: number };
export type AugmentationType = AugmentationOp['type'];

export type NegativesSpec =
  | { readonly type: 'batch' }
  | { readonly type: 'queue'; readonly size: number }
  | { readonly type: 'none' };

export type SamplerSpec =
  | { readonly type: 'random' }
  | { readonly type: 'mPerClass'; readonly m: number };

export type MiningSpec =
  | { readonly type: 'none' }
  | { readonly type: 'batchHard' }
  | { readonly type: 'hard'; readonly margin: number }
  | { readonly type: 'semiHard'; readonly margin: number }
  | { readonly type: 'easy'; readonly margin: number }
  | { readonly type: 'all'; readonly margin: number }
  | { readonly type: 'multiSimilarity'; readonly epsilon: number };

export interface PairsSpec {
  readonly positives: 'labels' | 'augmentation';
  /** Two views per sample; used when positives = augmentation. */
  readonly views: { readonly weak: readonly AugmentationOp[]; readonly strong: readonly AugmentationOp[] };
  readonly negatives: NegativesSpec;
  readonly sampler: SamplerSpec;
  readonly mining: MiningSpec;
}

// ---- distance ------------------------------------------------------------------------------
export type DistanceSpec =
  | { readonly type: 'euclidean'; readonly normalize: boolean }
  | { readonly type: 'squaredEuclidean'; readonly normalize: boolean }
  | { readonly type: 'cosine' }
  | { readonly type: 'dot'; readonly normalize: boolean }
  | { readonly type: 'manhattan'; readonly normalize: boolean }
  | { readonly type: 'kl'; readonly temperature: number }
  | { readonly type: 'jensenShannon'; readonly temperature: number }
  | { readonly type: 'wasserstein'; readonly temperature: number };
export type DistanceType = DistanceSpec['type'];

// ---- loss ----------------------------------------------------------------------------------
export type LossSpec =
  | { readonly type: 'contrastive'; readonly posMargin: number; readonly negMargin: number }
  | { readonly type: 'triplet'; readonly margin: number; readonly swap: boolean; readonly smoothLoss: boolean }
  | { readonly type: 'nPairs' }
  | { readonly type: 'liftedStructure'; readonly posMargin: number; readonly negMargin: number }
  | { readonly type: 'generalizedLiftedStructure'; readonly posMargin: number; readonly negMargin: number }
  | { readonly type: 'infoNCE'; readonly temperature: number }
  | { readonly type: 'supCon'; readonly temperature: number }
  | { readonly type: 'circle'; readonly m: number; readonly gamma: number }
  | { readonly type: 'softNearestNeighbor'; readonly temperature: number; readonly learnTemperature: boolean }
  | { readonly type: 'multiSimilarity'; readonly alpha: number; readonly beta: number; readonly base: number }
  | { readonly type: 'vicreg'; readonly invarianceWeight: number; readonly varianceWeight: number; readonly covarianceWeight: number; readonly eps: number }
  | { readonly type: 'barlowTwins'; readonly lambda: number }
  | { readonly type: 'siglip'; readonly logitScale: number; readonly logitBias: number; readonly learnable: boolean }
  | { readonly type: 'negativeCosine'; readonly form: 'simsiam' | 'byol' };
export type LossType = LossSpec['type'];

// ---- architecture --------------------------------------------------------------------------
export type Activation = 'relu' | 'gelu' | 'tanh' | 'elu' | 'swish';

export type BackboneSpec =
  | { readonly type: 'mlp'; readonly layers: readonly number[]; readonly activation: Activation; readonly batchNorm: boolean; readonly dropout: number }
  | { readonly type: 'convnet'; readonly channels: readonly number[]; readonly kernelSize: number; readonly activation: Activation; readonly batchNorm: boolean }
  | { readonly type: 'resnet'; readonly channels: readonly number[]; readonly blocksPerStage: number; readonly activation: Activation };
export type BackboneType = BackboneSpec['type'];

export interface HeadSpec {
  /** Hidden and output sizes; the last entry is the head's output size. */
  readonly layers: readonly number[];
  readonly batchNorm: boolean;
  readonly activation: Activation;
}

export interface ArchitectureSpec {
  readonly backbone: BackboneSpec;
  /** Size of the representation layer (a dense layer after the backbone): the features used downstream. */
  readonly representationSize: number;
  /** null = no projection head (the loss sees the representation). */
  readonly projection: HeadSpec | null;
  /** null = no prediction head (BYOL / SimSiam use one on the online branch). */
  readonly prediction: HeadSpec | null;
  /** L2-normalise the outputs that the loss sees. */
  readonly normalizeOutput: boolean;
}

// ---- strategy ------------------------------------------------------------------------------
export type OptimizerSpec =
  | { readonly type: 'sgd'; readonly learningRate: number; readonly momentum: number; readonly nesterov: boolean; readonly weightDecay: number }
  | { readonly type: 'adam'; readonly learningRate: number; readonly beta1: number; readonly beta2: number; readonly epsilon: number; readonly weightDecay: number }
  | { readonly type: 'adamw'; readonly learningRate: number; readonly beta1: number; readonly beta2: number; readonly epsilon: number; readonly weightDecay: number }
  | { readonly type: 'lars'; readonly learningRate: number; readonly momentum: number; readonly trustCoefficient: number; readonly weightDecay: number };
export type OptimizerType = OptimizerSpec['type'];

export type ScheduleSpec =
  | { readonly type: 'constant'; readonly warmupEpochs: number }
  | { readonly type: 'cosine'; readonly warmupEpochs: number; readonly minLearningRate: number }
  | { readonly type: 'warmup'; readonly warmupEpochs: number };
export type ScheduleType = ScheduleSpec['type'];

export interface EmaSpec {
  /** τ at the first step; the target is updated as θt ← τ·θt + (1 − τ)·θo. */
  readonly tauStart: number;
  /** τ at the last step, reached by a cosine schedule. */
  readonly tauEnd: number;
}

export interface TargetTemperatureSpec {
  /** Temperature of the target (teacher) distribution: lower sharpens it. */
  readonly teacher: number;
  /** Temperature of the online (student) distribution: higher smooths it. */
  readonly student: number;
}

export interface StrategySpec {
  readonly optimizer: OptimizerSpec;
  readonly schedule: ScheduleSpec;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Stop gradients through the target branch (SimSiam, BYOL, MoCo). */
  readonly stopGradient: boolean;
  /** null = no EMA target network (the target shares the online weights). */
  readonly ema: EmaSpec | null;
  /** null = no target temperature. */
  readonly targetTemperature: TargetTemperatureSpec | null;
  /** Clip the global gradient norm to this value; null = no clipping. */
  readonly gradientClipNorm: number | null;
  /** What a collapsed evaluation does: warn and go on, or end the run as failed. */
  readonly onCollapse: 'warn' | 'stop';
}

// ---- evaluation & run ----------------------------------------------------------------------
export interface EvalSpec {
  /** Evaluate every N epochs (and always after the last). */
  readonly every: number;
  readonly knn: { readonly k: number; readonly temperature: number } | null;
  readonly linearProbe: { readonly labelFraction: number; readonly epochs: number } | null;
  readonly retrieval: { readonly recallAtK: readonly number[] } | null;
  /** Which layer is evaluated and exported. */
  readonly layer: 'representation' | 'projection';
}

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface RunSpec {
  readonly name: string;
  /** Folder that holds run directories, relative to the spec file's folder. */
  readonly outputDir: string;
  readonly backend: BackendPreference;
  /** Save a checkpoint every N epochs (and always at the end and on stop). */
  readonly checkpointEvery: number;
}

export interface ResolvedSpec {
  readonly experiment: string;
  readonly description: string;
  readonly data: DataSpec;
  readonly pairs: PairsSpec;
  readonly distance: DistanceSpec;
  readonly loss: LossSpec;
  readonly architecture: ArchitectureSpec;
  readonly strategy: StrategySpec;
  readonly eval: EvalSpec;
  readonly run: RunSpec;
}
