// Paired data (issue 14): each sample is two inputs, side a and side b (an image and its caption,
// two kinds of features), that a two-tower model embeds into one space.

/** What one side of a pair is and where a row holds it. */
export type PairSideSpec =
  /** A column holding an image path (relative to the file's folder, or absolute). */
  | { readonly image: string }
  /** A column holding a text. */
  | { readonly text: string }
  /** Columns holding numbers: the side's feature vector, in this order. */
  | { readonly numeric: readonly string[] };

export type PairSideName = 'a' | 'b';

/** One side of every pair, as read (images are paths until decoded). */
export type PairSide =
  | {
      readonly kind: 'image';
      readonly paths: readonly string[];
      /** Per path, where it was named (`file:line` or the image itself) and as what (`side a (column "image")`), for decoding errors. */
      readonly origins: readonly { readonly where: string; readonly what: string }[];
    }
  | { readonly kind: 'text'; readonly texts: readonly string[] }
  | { readonly kind: 'numeric'; readonly columns: readonly string[]; readonly dim: number; readonly values: Float32Array };

export interface PairedRows {
  /** Where the pairs came from (a file, `a-folder + b-folder`, or `builtin:digits-captions`), for messages. */
  readonly source: string;
  readonly count: number;
  readonly a: PairSide;
  readonly b: PairSide;
  /** A stable id per pair: `line:N` for a file, the shared stem for folders, `digits/<class>/<n>` built in. */
  readonly ids: readonly string[];
  /** One class index per pair, or null when the pairs have no label. */
  readonly labels: Int32Array | null;
  readonly classNames: readonly string[] | null;
}

export function sideKind(spec: PairSideSpec): PairSide['kind'] {
  return 'image' in spec ? 'image' : 'text' in spec ? 'text' : 'numeric';
}

/** A side once its images are decoded: pixels 0..255, [height, width, channels] per sample. */
export type LoadedSide =
  | { readonly kind: 'image'; readonly shape: readonly [number, number, number]; readonly pixels: Uint8Array }
  | Exclude<PairSide, { kind: 'image' }>;

/** Pairs ready for a two-tower model: both sides in memory. */
export interface PairedData extends Omit<PairedRows, 'a' | 'b'> {
  readonly a: LoadedSide;
  readonly b: LoadedSide;
}
