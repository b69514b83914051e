// A dataset loaded into memory: every sample as float32, with optional integer labels.

export type DatasetKind = 'images' | 'vectors';

export interface Dataset {
  readonly kind: DatasetKind;
  /** Where it came from (`builtin:digits` or an absolute path), for messages. */
  readonly source: string;
  /** Per-sample shape: [height, width, channels] for images, [dim] for vectors. */
  readonly sampleShape: readonly number[];
  readonly count: number;
  /** count × prod(sampleShape) values, row-major, after normalisation. */
  readonly x: Float32Array;
  /** One class index per sample, or null for unlabelled data. */
  readonly labels: Int32Array | null;
  /** Names of the classes, indexed by label. */
  readonly classNames: readonly string[] | null;
  /** A stable id per sample: a relative file path, a `line:N`, or `digits/<class>/<n>`. */
  readonly ids: readonly string[];
  /** For image data: the pixels before normalisation, 0..255, for thumbnails. */
  readonly pixels: Uint8Array | null;
}

export interface SplitDataset {
  readonly dataset: Dataset;
  /** Indices into the dataset, in a fixed order. */
  readonly train: Int32Array;
  readonly test: Int32Array;
  /** Image folders: files left out because they are not images (relative to the folder). */
  readonly skipped?: readonly string[];
}

export function sampleSize(dataset: Pick<Dataset, 'sampleShape'>): number {
  return dataset.sampleShape.reduce((a, b) => a * b, 1);
}
