// The run directory: a public, documented format (docs/run-directory.md). Everything a reader of
// runs/<run-id>/ may rely on is typed here. Pure Node: the extension imports this too.

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'stopped';
/** What a reader reports: the recorded status, or `interrupted` when a running run's process is gone. */
export type EffectiveStatus = RunStatus | 'interrupted';

/**
 * What kind of failure ended a run: a non-finite value (NaN or ±Infinity), a representation collapse
 * with strategy.onCollapse `stop`, bad data, memory exhausted, or anything else.
 */
export type RunErrorKind = 'nonFinite' | 'collapsed' | 'data' | 'outOfMemory' | 'other';

export interface RunError {
  /** Absent in runs written before it existed: readers derive it from the message (runErrorKind). */
  readonly kind?: RunErrorKind;
  readonly message: string;
  /** Where it happened, e.g. `step 412 (epoch 3)`, `data.source: digits/7/x.png`, `spec.yaml:12:5`. */
  readonly where: string;
  /** The step and epoch it happened in, when it happened while training. */
  readonly step?: number;
  readonly epoch?: number;
  /** For `nonFinite`: the first offending value, `NaN`, `Infinity` or `-Infinity`. */
  readonly value?: string;
}

/** run.json */
export interface RunRecord {
  readonly formatVersion: 1;
  readonly id: string;
  readonly name: string;
  readonly experiment: string;
  /** Absolute path of the spec file the run was started from. */
  readonly specPath: string;
  /** sha256 (hex) of the spec file's text when the run was started. */
  readonly specHash: string;
  readonly status: RunStatus;
  /** Process id of the trainer while it runs; null once it has ended. */
  readonly pid: number | null;
  readonly hostname: string;
  /** The engine that trains the run (spec `run.engine`); absent in runs written before it existed, which are tfjs runs. */
  readonly engine?: 'tfjs' | 'pytorch';
  /** The tensor backend that trained the run (tfjs: `tensorflow`, `wasm`, `cpu`; PyTorch: `pytorch-cpu`, `pytorch-cuda`, `pytorch-mps`), null until chosen. */
  readonly backend: string | null;
  readonly seed: number;
  readonly epochs: number;
  readonly stepsPerEpoch: number | null;
  /** ISO 8601 times. */
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** Last completed step / epoch (kept current at checkpoints and at the end). */
  readonly step: number;
  readonly epoch: number;
  /** Best weighted-kNN accuracy seen in an evaluation, null before the first one. */
  readonly bestKnnAccuracy: number | null;
  /** Relative path (inside the run directory) of the newest checkpoint, null before the first. */
  readonly lastCheckpoint: string | null;
  readonly error: RunError | null;
  /** The latest evaluation's verdict on learning (absent in runs written before it existed). */
  readonly learning?: LearningHealth | null;
  /** The sweep the run is a child of (`contrastive-lab sweep`): its id and the child's index; absent otherwise. */
  readonly sweep?: { readonly id: string; readonly index: number };
  /**
   * The run this one repeats (Re-run / Edit and Run in the Experiments table): its id and the spec
   * values changed from the spec it trained, by dotted path ({} for a plain re-run); absent otherwise.
   */
  readonly origin?: { readonly run: string; readonly changes: Readonly<Record<string, unknown>> };
}

/** What the latest evaluation says about learning: collapsed outputs, chance-level kNN, or healthy. */
export interface LearningHealth {
  readonly state: 'collapsed' | 'chance' | 'healthy';
  /** The epoch of that evaluation. */
  readonly epoch: number;
  /** One sentence naming the epoch and the figures. */
  readonly message: string;
}

/** metrics.jsonl: one line per training step. */
export interface StepMetric {
  readonly kind: 'step';
  readonly step: number;
  /** 1-based epoch the step belongs to. */
  readonly epoch: number;
  /** Seconds since the run (first) started, excluding time while stopped. */
  readonly time: number;
  readonly loss: number;
  readonly lr: number;
  readonly samplesPerSec: number;
}

/** metrics.jsonl: one line per evaluation (every `eval.every` epochs and after the last). */
export interface EvalMetric {
  readonly kind: 'eval';
  readonly step: number;
  readonly epoch: number;
  readonly time: number;
  readonly knnAccuracy: number | null;
  readonly linearProbeAccuracy: number | null;
  readonly precisionAt1: number | null;
  /** recall@k for every k of eval.retrieval.recallAtK, keyed by k. */
  readonly recallAtK: Readonly<Record<string, number>> | null;
  readonly mapAtR: number | null;
  /** Std of the L2-normalised outputs: 0 is collapse, about 1/sqrt(dim) is healthy. */
  readonly collapseStd: number;
  readonly collapseHealthyStd: number;
  /**
   * eval.fewShot: one figure per shot count, keyed `<N>way-<K>shot` (e.g. `5way-1shot`); a shot
   * count the held-out split is too small for is left out (a warning at the start says why).
   * Absent in runs written before it existed.
   */
  readonly fewShot?: Readonly<Record<string, FewShotFigure>> | null;
  /** eval.labelEfficiency: one point per fraction, in the spec's order. Absent in older runs. */
  readonly labelEfficiency?: readonly LabelEfficiencyPoint[] | null;
  /** The classifier head's accuracy on the held-out split (loss crossEntropy); null without one, absent in older runs. */
  readonly classifierAccuracy?: number | null;
  /** Two towers: zero-shot accuracy on the held-out pairs (each a given the class whose one caption embeds nearest); null without labels or a text side, absent in one-tower runs. */
  readonly zeroShotAccuracy?: number | null;
  /** Two towers: cross-modal recall@k on the held-out pairs, a→b (each a finds its partner among the b's) and b→a, keyed by k; absent in one-tower runs. */
  readonly crossModalRecallAtK?: CrossModalRecallAtK | null;
}

export interface CrossModalRecallAtK {
  readonly aToB: Readonly<Record<string, number>>;
  readonly bToA: Readonly<Record<string, number>>;
}

/** An N-way K-shot figure: the mean episode accuracy, the half-width of its 95 % interval, the episodes. */
export interface FewShotFigure {
  readonly accuracy: number;
  readonly ci95: number;
  readonly episodes: number;
}

/** A point of the label-efficiency curve: accuracies with `fraction` of the training labels (`labels` of them). */
export interface LabelEfficiencyPoint {
  readonly fraction: number;
  readonly labels: number;
  readonly linearProbe: number;
  readonly knn: number;
}

export type MetricLine = StepMetric | EvalMetric;

export type EventLevel = 'info' | 'warning' | 'error';
/** Every `event` of events.jsonl, in the order docs/run-directory.md lists them (a test keeps the two, and the trainer, in step). */
export const EVENT_NAMES = [
  'created', 'started', 'resumed', 'backend', 'data', 'epoch', 'checkpoint', 'nan',
  'collapse', 'chance', 'stopping', 'stopped', 'completed', 'failed', 'embeddings', 'log', 'recovered',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

/** events.jsonl */
export interface RunEvent {
  readonly kind: 'event';
  readonly time: string;
  readonly level: EventLevel;
  readonly event: EventName;
  readonly message: string;
  readonly step?: number;
  readonly epoch?: number;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** What the trainer prints on stdout with --json: every metric and event line plus the run id. */
export type StreamLine = (MetricLine | RunEvent) & { readonly runId: string };

/** embeddings/meta.json */
export interface EmbeddingsMeta {
  readonly formatVersion: 1;
  readonly count: number;
  readonly dim: number;
  readonly layer: 'representation' | 'projection';
  readonly dtype: 'float32';
  readonly byteOrder: 'little-endian';
  readonly labelled: boolean;
  /** Class names indexed by label, when the data has labels. */
  readonly classNames: readonly string[] | null;
  readonly epoch: number;
  readonly step: number;
  readonly projections: readonly ('pca' | 'umap')[];
  /** Present for image data: the thumbnail sprite sheet. */
  readonly sprite: SpriteLayout | null;
}

export interface SpriteLayout {
  readonly file: 'sprite.png';
  /** Size of one thumbnail in pixels. */
  readonly thumbWidth: number;
  readonly thumbHeight: number;
  /** Thumbnails per row; sample i is at column i % columns, row floor(i / columns). */
  readonly columns: number;
  readonly rows: number;
}

/** embeddings/samples.json: per sample, in the order of vectors.f32. */
export interface SampleIndex {
  readonly ids: readonly string[];
  readonly labels: readonly (number | null)[];
  readonly split: readonly ('train' | 'test')[];
}

/**
 * timeline/probe.json: the fixed, stratified probe set whose embeddings every evaluation keeps in
 * timeline/step-<8 digits>.f32 (count × dim float32 little-endian, rows in this order).
 */
export interface TimelineProbe {
  readonly formatVersion: 1;
  readonly count: number;
  readonly dim: number;
  readonly layer: 'representation' | 'projection';
  /** The split the probe samples come from: the held-out one, or the training one when nothing is held out. */
  readonly split: 'train' | 'test';
  /** The dataset row of each probe sample (its row of embeddings/vectors.f32 and the sprite), ascending. */
  readonly rows: readonly number[];
  readonly ids: readonly string[];
  readonly labels: readonly (number | null)[];
  /** Class names indexed by label, when the data has labels. */
  readonly classNames: readonly string[] | null;
}
