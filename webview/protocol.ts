// The typed message contract between the extension host and the webview panels (dashboard,
// gallery, map; the experiments table's own messages are in experiments/protocol.ts, built on the
// guards exported here). Both sides import these types; the host runs `parse*Message` on
// everything a webview posts before acting on it, because a webview is an untrusted page.
//
// Conventions:
// - Every message is a plain JSON object with a string `type` discriminant.
// - Host → webview messages are trusted (the host builds them) and are not validated here.
// - Webview → host messages are validated by hand-written guards (no eval, no schema compiler).
// - Per-sample arrays (labels, ids, projections) are index-aligned with the embedding rows.

import { GALLERY_TIMELINE_GUARDS, MAP_TIMELINE_GUARDS, type GalleryToTimeline, type MapToTimeline, type TimelineToGallery, type TimelineToMap } from './timelineProtocol';

// ---------------------------------------------------------------------------------------------
// Shared data shapes
// ---------------------------------------------------------------------------------------------

export type PanelKind = 'dashboard' | 'gallery' | 'map' | 'experiments';
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'stopped';

/** One training line of metrics.jsonl (server/runs/format.ts StepMetric is assignable to it). */
export interface TrainPoint {
  readonly step: number;
  /** 1-based epoch the step belongs to. */
  readonly epoch: number;
  /** Seconds since the run started. */
  readonly time: number;
  readonly loss: number;
  readonly lr?: number;
  readonly samplesPerSec?: number;
}

/**
 * One evaluation line of metrics.jsonl (server/runs/format.ts EvalMetric is assignable to it).
 * Metrics the run did not compute are null or absent.
 */
export interface EvalPoint {
  readonly step: number;
  readonly epoch: number;
  readonly time?: number;
  readonly knnAccuracy?: number | null;
  readonly linearProbeAccuracy?: number | null;
  /** loss crossEntropy: the classifier head's held-out accuracy. */
  readonly classifierAccuracy?: number | null;
  readonly precisionAt1?: number | null;
  /** recall@k keyed by k. */
  readonly recallAtK?: Readonly<Record<string, number>> | null;
  readonly mapAtR?: number | null;
  readonly collapseStd?: number | null;
  readonly collapseHealthyStd?: number | null;
  /** eval.fewShot: keyed `<N>way-<K>shot`, e.g. `5way-1shot`. */
  readonly fewShot?: Readonly<Record<string, FewShotFigure>> | null;
  /** eval.labelEfficiency (the last evaluation only): one point per fraction of the labels. */
  readonly labelEfficiency?: readonly LabelEfficiencyPoint[] | null;
  /** Two towers: zero-shot accuracy (one caption per class) on the held-out pairs. */
  readonly zeroShotAccuracy?: number | null;
  /** Two towers: cross-modal recall@k, a→b and b→a, keyed by k. */
  readonly crossModalRecallAtK?: { readonly aToB: Readonly<Record<string, number>>; readonly bToA: Readonly<Record<string, number>> } | null;
}

/** An N-way K-shot figure: mean episode accuracy ± ci95 (half-width of the 95 % interval). */
export interface FewShotFigure {
  readonly accuracy: number;
  readonly ci95: number;
  readonly episodes: number;
}

/** Linear-probe and kNN accuracy with `fraction` of the training labels (`labels` of them). */
export interface LabelEfficiencyPoint {
  readonly fraction: number;
  readonly labels: number;
  readonly linearProbe: number;
  readonly knn: number;
}

/** The scalar evaluation metrics, in display order (recall@k is expanded per k by the dashboard). */
export const EVAL_METRICS = ['knnAccuracy', 'linearProbeAccuracy', 'classifierAccuracy', 'zeroShotAccuracy', 'precisionAt1', 'mapAtR', 'collapseStd'] as const;
export type EvalMetric = (typeof EVAL_METRICS)[number];

export interface RunDescriptor {
  readonly id: string;
  readonly name: string;
  readonly status: RunStatus;
  /** From run.json; lets the epoch axis place steps inside an epoch. Inferred from steps when null. */
  readonly stepsPerEpoch?: number | null;
}

/** One row of the "spec differences" table: a resolved-spec field whose value differs between runs. */
export interface SpecDiffRow {
  /** Dotted field path, e.g. `loss.temperature`. */
  readonly path: string;
  /** Display value per run id; a run without the field is missing from the record. */
  readonly values: Readonly<Record<string, string>>;
}

/**
 * A thumbnail sprite sheet (embeddings/sprite.png with meta.json's SpriteLayout): sample i sits at
 * column i % columns, row floor(i / columns), each thumbWidth × thumbHeight pixels.
 */
export interface SpriteSheet {
  /** asWebviewUri of the sprite PNG, as a string. */
  readonly uri: string;
  readonly thumbWidth: number;
  readonly thumbHeight: number;
  readonly columns: number;
  readonly rows: number;
}

export interface Neighbour {
  readonly index: number;
  readonly distance: number;
  readonly label: string;
  readonly id: string;
  /** A two-tower run's caption point: its text (shown as text, not as its partner's thumbnail). */
  readonly text?: string;
}

/**
 * The points of a two-tower run (architecture.towers): `pairs` points of tower a (#0 … pairs−1),
 * then their partners of tower b (#pairs …), so point i's partner is (i + pairs) mod 2·pairs.
 */
export interface TowerPoints {
  readonly pairs: number;
  /** The tower that embeds text (its points are captions), or null when both towers are networks. */
  readonly textTower: 'a' | 'b' | null;
}

/** Point i's partner in the other tower. */
export function partnerOf(towers: TowerPoints, index: number): number {
  return index < towers.pairs ? index + towers.pairs : index - towers.pairs;
}

/** Which tower point i belongs to. */
export function towerOf(towers: TowerPoints, index: number): 'a' | 'b' {
  return index < towers.pairs ? 'a' : 'b';
}

/** The samples a gallery or map shows: labels and ids are index-aligned with the embeddings. */
export interface SampleSet {
  readonly runId: string;
  readonly runName: string;
  readonly count: number;
  /** Display label per sample (class name, or the label number as text); '' when unlabelled. */
  readonly labels: readonly string[];
  readonly ids: readonly string[];
  /** Thumbnails for image datasets; null for vector datasets (then ids and labels are shown). */
  readonly sprite: SpriteSheet | null;
  /** Set for a two-tower run: its points are both towers' (absent for one tower). */
  readonly towers?: TowerPoints;
}

export type ProjectionMethod = 'pca' | 'umap';
export const PROJECTION_METHODS: readonly ProjectionMethod[] = ['pca', 'umap'];

// ---------------------------------------------------------------------------------------------
// Host → webview
// ---------------------------------------------------------------------------------------------

export type HostToDashboard =
  /** The runs to show, in legend order; runs not listed are dropped from the charts. */
  | { readonly type: 'runs'; readonly runs: readonly RunDescriptor[] }
  /** New metric lines for a run. `reset: true` replaces the run's series instead of appending. */
  | {
      readonly type: 'metrics';
      readonly runId: string;
      readonly reset: boolean;
      readonly train: readonly TrainPoint[];
      readonly eval: readonly EvalPoint[];
    }
  /** Spec fields that differ between the shown runs. Best metrics are computed by the dashboard. */
  | { readonly type: 'specDiff'; readonly rows: readonly SpecDiffRow[] };

export type HostToGallery =
  | ({ readonly type: 'dataset' } & SampleSet)
  /** Neighbours of `query`, nearest first; the query itself is not among them. */
  | { readonly type: 'neighbours'; readonly query: number; readonly neighbours: readonly Neighbour[] }
  /** Make `index` the query (e.g. the user clicked a point on the map). */
  | { readonly type: 'selectQuery'; readonly index: number }
  /** Browse these samples: the first of `total` points a lasso selected on the map. */
  | { readonly type: 'selection'; readonly indices: readonly number[]; readonly total: number }
  /** The run's timeline (webview/timelineProtocol.ts). */
  | TimelineToGallery
  /** Make the file `path` (an input the run has not seen) the query: the host searches and sends `searchResults`. */
  | { readonly type: 'searchFile'; readonly path: string }
  /** Nearest items of the run's index to the file `path`, nearest first (index ≥ count: an item added with `index --add`; on a two-tower run, captions with their text). */
  | { readonly type: 'searchResults'; readonly path: string; readonly neighbours: readonly Neighbour[] }
  /** A two-tower run's nearest items (of the non-text tower: images) to the typed `text`, nearest first. */
  | { readonly type: 'textResults'; readonly text: string; readonly neighbours: readonly Neighbour[] }
  | { readonly type: 'error'; readonly message: string };

/** A per-point column the map can colour by: categories (code per point into `names`) or numbers. */
export type MapColumn =
  | { readonly name: string; readonly kind: 'category'; readonly names: readonly string[]; readonly codes: Uint16Array }
  | { readonly name: string; readonly kind: 'number'; readonly values: Float32Array };

/** Where the map's neighbours of a point were found: the embeddings themselves, or the 2-D picture. */
export type NeighbourSpace = 'original' | 'projection';
export const NEIGHBOUR_SPACES: readonly NeighbourSpace[] = ['original', 'projection'];

export type HostToMap =
  /** The run's points: per-point columns as typed arrays (a million points are never JSON). */
  | {
      readonly type: 'points';
      readonly runId: string;
      readonly runName: string;
      readonly count: number;
      readonly methods: readonly ProjectionMethod[];
      /** The first column is the label. */
      readonly columns: readonly MapColumn[];
      readonly sprite: SpriteSheet | null;
      /** How the run measures distance (e.g. "cosine distance (1 − cos)"), for the neighbour list. */
      readonly distance: string;
      /** A two-tower run's points (then a "tower" column is among the columns); absent for one tower. */
      readonly towers?: TowerPoints;
    }
  /** 2-D coordinates, flat [x0, y0, x1, y1, ...], length 2 × count. */
  | { readonly type: 'projection'; readonly method: ProjectionMethod; readonly xy: Float32Array }
  /** The projection `method` is being computed (outside the page): `phase` with done of total. */
  | { readonly type: 'progress'; readonly method: ProjectionMethod; readonly phase: string; readonly done: number; readonly total: number }
  /** Exact neighbours of `query` in the original space, nearest first (the query left out). */
  | { readonly type: 'neighbours'; readonly query: number; readonly neighbours: readonly { readonly index: number; readonly distance: number }[] }
  /** A point's id, for the tooltip. */
  | { readonly type: 'described'; readonly index: number; readonly id: string }
  /** The run's timeline (webview/timelineProtocol.ts). */
  | TimelineToMap
  | { readonly type: 'error'; readonly message: string };

// ---------------------------------------------------------------------------------------------
// Webview → host
// ---------------------------------------------------------------------------------------------

/** Sent once the page's script has run and it can receive messages. */
export interface ReadyMessage { readonly type: 'ready' }
/** A runtime error inside the page, for the host's output channel. */
export interface WebviewErrorMessage { readonly type: 'webviewError'; readonly message: string }
/** Save a canvas as PNG; the host asks where and writes the bytes. */
export interface ExportPngMessage { readonly type: 'exportPng'; readonly dataUrl: string; readonly fileName: string }
/** Save text as CSV; the host asks where and writes it. */
export interface ExportCsvMessage { readonly type: 'exportCsv'; readonly csv: string; readonly fileName: string }

export type DashboardToHost =
  | ReadyMessage
  | WebviewErrorMessage
  | ExportPngMessage
  | ExportCsvMessage
  | { readonly type: 'openGallery'; readonly runId: string }
  | { readonly type: 'openMap'; readonly runId: string };

export type GalleryToHost =
  | ReadyMessage
  | WebviewErrorMessage
  | GalleryToTimeline
  /** Find the k nearest neighbours of sample `index`; answered with a `neighbours` message. */
  | { readonly type: 'query'; readonly index: number; readonly k: number }
  /** Find the k nearest items to the file at `path` (typed in the query box); answered with `searchResults` or `error`. */
  | { readonly type: 'searchFile'; readonly path: string; readonly k: number }
  /** On a two-tower run with a text tower: find the k nearest items (images) to the typed `text`; answered with `textResults` or `error`. */
  | { readonly type: 'searchText'; readonly text: string; readonly k: number };

export type MapToHost =
  | ReadyMessage
  | WebviewErrorMessage
  | MapToTimeline
  | ExportPngMessage
  /** Send the projection `method`; answered with `progress` lines while it is computed, then `projection` (or `error`). */
  | { readonly type: 'requestProjection'; readonly method: ProjectionMethod }
  /** Open (or focus) the gallery with sample `index` as the query. */
  | { readonly type: 'openGallery'; readonly index: number }
  /** Find the k exact neighbours of sample `index` in the original space; answered with `neighbours`. */
  | { readonly type: 'neighbours'; readonly index: number; readonly k: number }
  /** Ask for sample `index`'s id; answered with `described`. */
  | { readonly type: 'describe'; readonly index: number }
  /** Show the samples a lasso selected in the gallery (at most LIMITS.maxSelection of them). */
  | { readonly type: 'showSelection'; readonly indices: readonly number[]; readonly total: number };

// ---------------------------------------------------------------------------------------------
// Persisted panel state (acquireVsCodeApi().setState). The host receives it in
// WebviewPanelSerializer.deserializeWebviewPanel and must validate it with parsePanelState.
// ---------------------------------------------------------------------------------------------

export type XAxis = 'step' | 'epoch';

export interface DashboardState {
  readonly panel: 'dashboard';
  readonly runIds: readonly string[];
  /** EMA smoothing weight in [0, 1). */
  readonly smoothing: number;
  readonly logY: boolean;
  readonly xAxis: XAxis;
  /** Run ids the user hid by clicking them in the legend. */
  readonly hidden: readonly string[];
  /** The evaluation metric charted, e.g. `knnAccuracy` or `recall@10`. */
  readonly evalMetric: string;
}

export interface GalleryState {
  readonly panel: 'gallery';
  readonly runId: string;
  readonly query: number | null;
  readonly k: number;
}

export interface MapState {
  readonly panel: 'map';
  readonly runId: string;
  readonly method: ProjectionMethod;
  /** Categories hidden in the legend of the column coloured by. */
  readonly hiddenLabels: readonly string[];
  /** The column the points are coloured by (absent in state saved before columns existed: the label). */
  readonly colourBy?: string;
  readonly neighbourSpace?: NeighbourSpace;
}

/** The experiments table keeps its layout in the workspace (the host's workspaceState), not in the page. */
export interface ExperimentsState {
  readonly panel: 'experiments';
}

export type PanelState = DashboardState | GalleryState | MapState | ExperimentsState;

// ---------------------------------------------------------------------------------------------
// Validation of webview → host messages
// ---------------------------------------------------------------------------------------------

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Limits keep a compromised page from making the host allocate or write without bound. */
export const LIMITS = {
  maxPngBytes: 32 * 1024 * 1024,
  maxCsvChars: 64 * 1024 * 1024,
  maxMessageChars: 4096,
  maxFileNameChars: 120,
  maxK: 200,
  maxIndex: 100_000_000,
  maxRunIdChars: 200,
  /** A query file path typed in the gallery. */
  maxPathChars: 4096,
  /** A text query typed in the gallery (two-tower runs). */
  maxQueryTextChars: 1000,
  maxListLength: 10_000,
  /** Samples a map lasso sends to the gallery at most. */
  maxSelection: 10_000,
} as const;

const PNG_DATA_URL_PREFIX = 'data:image/png;base64,';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// A bare file name: no directories, no control characters, no leading dot, ends in the extension.
const SAFE_FILE_NAME = /^[A-Za-z0-9 _()\-][A-Za-z0-9 _.()\-]*$/;

export type Guard = (message: Record<string, unknown>) => string | null;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkString(message: Record<string, unknown>, field: string, maxChars: number): string | null {
  const v = message[field];
  if (typeof v !== 'string') return `field '${field}' must be a string, got ${describe(v)}`;
  if (v.length > maxChars) return `field '${field}' is ${v.length} characters long; the limit is ${maxChars}`;
  return null;
}

export function checkNonEmptyString(message: Record<string, unknown>, field: string, maxChars: number): string | null {
  const err = checkString(message, field, maxChars);
  if (err !== null) return err;
  return (message[field] as string).length === 0 ? `field '${field}' must not be empty` : null;
}

function checkInteger(message: Record<string, unknown>, field: string, min: number, max: number): string | null {
  const v = message[field];
  if (typeof v !== 'number' || !Number.isInteger(v)) return `field '${field}' must be an integer, got ${describe(v)}`;
  if (v < min || v > max) return `field '${field}' must be between ${min} and ${max}, got ${v}`;
  return null;
}

function checkFileName(message: Record<string, unknown>, extension: string): string | null {
  const err = checkNonEmptyString(message, 'fileName', LIMITS.maxFileNameChars);
  if (err !== null) return err;
  const name = message.fileName as string;
  if (!SAFE_FILE_NAME.test(name)) return `field 'fileName' must be a bare file name (letters, digits, space, _ - . ( )), got '${name}'`;
  if (!name.toLowerCase().endsWith(extension)) return `field 'fileName' must end in '${extension}', got '${name}'`;
  return null;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v === 'string' ? 'a string' : typeof v;
}

export const checkReady: Guard = () => null;
export const checkWebviewError: Guard = (m) => checkString(m, 'message', LIMITS.maxMessageChars);

const checkExportPng: Guard = (m) => {
  const err = checkString(m, 'dataUrl', PNG_DATA_URL_PREFIX.length + Math.ceil((LIMITS.maxPngBytes * 4) / 3) + 4);
  if (err !== null) return err;
  const url = m.dataUrl as string;
  if (!url.startsWith(PNG_DATA_URL_PREFIX)) return `field 'dataUrl' must start with '${PNG_DATA_URL_PREFIX}'`;
  const body = url.slice(PNG_DATA_URL_PREFIX.length);
  if (body.length === 0 || body.length % 4 !== 0 || !BASE64.test(body)) return `field 'dataUrl' is not valid base64 PNG data`;
  return checkFileName(m, '.png');
};

const checkExportCsv: Guard = (m) => checkString(m, 'csv', LIMITS.maxCsvChars) ?? checkFileName(m, '.csv');
const checkRunId: Guard = (m) => checkNonEmptyString(m, 'runId', LIMITS.maxRunIdChars);
const checkSampleIndex: Guard = (m) => checkInteger(m, 'index', 0, LIMITS.maxIndex);

const checkQuery: Guard = (m) => checkSampleIndex(m) ?? checkInteger(m, 'k', 1, LIMITS.maxK);
const checkSearchFile: Guard = (m) => checkNonEmptyString(m, 'path', LIMITS.maxPathChars) ?? checkInteger(m, 'k', 1, LIMITS.maxK);
const checkSearchText: Guard = (m) =>
  checkNonEmptyString(m, 'text', LIMITS.maxQueryTextChars) ?? ((m.text as string).trim() === '' ? "field 'text' must hold some words" : null) ?? checkInteger(m, 'k', 1, LIMITS.maxK);

const checkProjectionRequest: Guard = (m) =>
  PROJECTION_METHODS.includes(m.method as ProjectionMethod) ? null : `field 'method' must be one of ${PROJECTION_METHODS.join(', ')}, got ${JSON.stringify(m.method)}`;

const checkSelection: Guard = (m) => {
  const v = m.indices;
  if (!Array.isArray(v)) return `field 'indices' must be an array of sample indices, got ${describe(v)}`;
  if (v.length > LIMITS.maxSelection) return `field 'indices' has ${v.length} entries; the limit is ${LIMITS.maxSelection}`;
  const bad = v.findIndex((x) => !Number.isInteger(x) || (x as number) < 0 || (x as number) > LIMITS.maxIndex);
  if (bad >= 0) return `field 'indices[${bad}]' must be a sample index (a whole number from 0 to ${LIMITS.maxIndex})`;
  return checkInteger(m, 'total', v.length, LIMITS.maxIndex);
};

export function makeParser<T>(panel: PanelKind, guards: Readonly<Record<string, Guard>>): (value: unknown) => Parsed<T> {
  const allowed = Object.keys(guards);
  return (value) => {
    if (!isRecord(value)) return { ok: false, error: `${panel} message must be an object, got ${describe(value)}` };
    const type = value.type;
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(guards, type)) {
      return { ok: false, error: `${panel} message has unknown type ${JSON.stringify(type)}; expected one of ${allowed.join(', ')}` };
    }
    const error = guards[type](value);
    if (error !== null) return { ok: false, error: `${panel} message '${type}': ${error}` };
    return { ok: true, value: value as T };
  };
}

/** Validates a message posted by the dashboard webview. */
export const parseDashboardMessage = makeParser<DashboardToHost>('dashboard', {
  ready: checkReady,
  webviewError: checkWebviewError,
  exportPng: checkExportPng,
  exportCsv: checkExportCsv,
  openGallery: checkRunId,
  openMap: checkRunId,
});

/** Validates a message posted by the neighbour-gallery webview. */
export const parseGalleryMessage = makeParser<GalleryToHost>('gallery', {
  ready: checkReady,
  webviewError: checkWebviewError,
  query: checkQuery,
  ...GALLERY_TIMELINE_GUARDS,
  searchFile: checkSearchFile,
  searchText: checkSearchText,
});

/** Validates a message posted by the embedding-map webview. */
export const parseMapMessage = makeParser<MapToHost>('map', {
  ready: checkReady,
  webviewError: checkWebviewError,
  exportPng: checkExportPng,
  requestProjection: checkProjectionRequest,
  openGallery: checkSampleIndex,
  neighbours: checkQuery,
  describe: checkSampleIndex,
  showSelection: checkSelection,
  ...MAP_TIMELINE_GUARDS,
});

export function checkStringList(m: Record<string, unknown>, field: string): string | null {
  const v = m[field];
  if (!Array.isArray(v)) return `field '${field}' must be an array of strings, got ${describe(v)}`;
  if (v.length > LIMITS.maxListLength) return `field '${field}' has ${v.length} entries; the limit is ${LIMITS.maxListLength}`;
  const bad = v.findIndex((x) => typeof x !== 'string' || x.length > LIMITS.maxRunIdChars);
  return bad >= 0 ? `field '${field}[${bad}]' must be a string of at most ${LIMITS.maxRunIdChars} characters` : null;
}

export function checkBoolean(m: Record<string, unknown>, field: string): string | null {
  return typeof m[field] === 'boolean' ? null : `field '${field}' must be true or false, got ${describe(m[field])}`;
}

const stateGuards: Readonly<Record<PanelKind, Guard>> = {
  dashboard: (m) =>
    checkStringList(m, 'runIds') ??
    (typeof m.smoothing === 'number' && m.smoothing >= 0 && m.smoothing < 1 ? null : `field 'smoothing' must be a number in [0, 1)`) ??
    checkBoolean(m, 'logY') ??
    (m.xAxis === 'step' || m.xAxis === 'epoch' ? null : `field 'xAxis' must be 'step' or 'epoch'`) ??
    checkStringList(m, 'hidden') ??
    checkString(m, 'evalMetric', LIMITS.maxRunIdChars),
  gallery: (m) =>
    checkNonEmptyString(m, 'runId', LIMITS.maxRunIdChars) ??
    (m.query === null ? null : checkInteger(m, 'query', 0, LIMITS.maxIndex)) ??
    checkInteger(m, 'k', 1, LIMITS.maxK),
  map: (m) =>
    checkNonEmptyString(m, 'runId', LIMITS.maxRunIdChars) ??
    checkProjectionRequest(m) ??
    checkStringList(m, 'hiddenLabels') ??
    (m.colourBy === undefined ? null : checkString(m, 'colourBy', LIMITS.maxRunIdChars)) ??
    (m.neighbourSpace === undefined || NEIGHBOUR_SPACES.includes(m.neighbourSpace as NeighbourSpace) ? null : `field 'neighbourSpace' must be 'original' or 'projection'`),
  experiments: () => null,
};

/**
 * Validates persisted webview state handed back by VS Code (e.g. to a WebviewPanelSerializer).
 * Returns an error when the state does not belong to `panel` or is malformed.
 */
export function parsePanelState<K extends PanelKind>(panel: K, value: unknown): Parsed<Extract<PanelState, { panel: K }>> {
  if (!isRecord(value)) return { ok: false, error: `${panel} state must be an object, got ${describe(value)}` };
  if (value.panel !== panel) return { ok: false, error: `${panel} state has panel ${JSON.stringify(value.panel)}; expected '${panel}'` };
  const error = stateGuards[panel](value);
  if (error !== null) return { ok: false, error: `${panel} state: ${error}` };
  return { ok: true, value: value as unknown as Extract<PanelState, { panel: K }> };
}
