// The timeline's messages between the map and gallery panels and their hosts (protocol.ts joins
// them to each panel's union and parser): the probe set's aligned 2-D map at every evaluation, the
// events to mark on the step slider, and how one query's neighbours changed between two steps.
// Kept apart from protocol.ts so the timeline's contract reads in one place.

/** One evaluation that kept the probe set's embeddings. */
export interface TimelineFrameInfo {
  readonly step: number;
  readonly epoch: number | null;
  readonly knnAccuracy: number | null;
}

/** An event marked on the slider: a NaN (the run failed there), a collapse, or chance-level kNN. */
export interface TimelineMarkInfo {
  readonly kind: 'nan' | 'collapse' | 'chance';
  readonly step: number;
  readonly message: string;
}

/** Host → map: the timeline, or why there is none. */
export type TimelineToMap =
  | {
      readonly type: 'timeline';
      /** The probe samples' rows in the run's embeddings (the map's point indices), ascending. */
      readonly rows: Int32Array;
      readonly frames: readonly TimelineFrameInfo[];
      readonly marks: readonly TimelineMarkInfo[];
      /** frames × rows × 2: frame f's point p at [2 (f · rows + p)], aligned across frames. */
      readonly xy: Float32Array;
    }
  | { readonly type: 'noTimeline'; readonly message: string };

/** Map → host: send the timeline (answered with `timeline` or `noTimeline`). */
export type MapToTimeline = { readonly type: 'requestTimeline' };

/** A neighbour of the query among the probe samples at one step. */
export interface TimelineNeighbour {
  /** Row in the run's embeddings. */
  readonly index: number;
  readonly distance: number;
  readonly label: string;
  readonly id: string;
}

/** Host → gallery. */
export type TimelineToGallery =
  | { readonly type: 'timeline'; readonly rows: readonly number[]; readonly frames: readonly TimelineFrameInfo[]; readonly marks: readonly TimelineMarkInfo[] }
  | { readonly type: 'noTimeline'; readonly message: string }
  /** The k nearest probe samples of `index` at steps `from` and `to`, and which entered or left (rows). */
  | {
      readonly type: 'timelineChange';
      readonly index: number;
      readonly from: number;
      readonly to: number;
      readonly before: readonly TimelineNeighbour[];
      readonly after: readonly TimelineNeighbour[];
      readonly entered: readonly number[];
      readonly left: readonly number[];
    };

/** Gallery → host. */
export type GalleryToTimeline =
  | { readonly type: 'requestTimeline' }
  /** How sample `index`'s k nearest probe samples changed from step `from` to step `to`. */
  | { readonly type: 'timelineChange'; readonly index: number; readonly from: number; readonly to: number; readonly k: number };

type Guard = (message: Record<string, unknown>) => string | null;

function wholeNumber(m: Record<string, unknown>, field: string, min: number, max: number): string | null {
  const v = m[field];
  if (typeof v !== 'number' || !Number.isInteger(v)) return `field '${field}' must be an integer, got ${v === null ? 'null' : typeof v}`;
  return v < min || v > max ? `field '${field}' must be between ${min} and ${max}, got ${v}` : null;
}

const MAX_INDEX = 100_000_000;
const MAX_STEP = 2 ** 31 - 1;
const MAX_K = 200;

export const MAP_TIMELINE_GUARDS: Readonly<Record<string, Guard>> = { requestTimeline: () => null };
export const GALLERY_TIMELINE_GUARDS: Readonly<Record<string, Guard>> = {
  requestTimeline: () => null,
  timelineChange: (m) => wholeNumber(m, 'index', 0, MAX_INDEX) ?? wholeNumber(m, 'from', 0, MAX_STEP) ?? wholeNumber(m, 'to', 0, MAX_STEP) ?? wholeNumber(m, 'k', 1, MAX_K),
};
