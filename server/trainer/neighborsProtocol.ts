// The messages between the extension's gallery and `contrastive-lab neighbors <run> --serve`:
// JSON-RPC 2.0 over the child's stdin/stdout (vscode-jsonrpc, Content-Length framing). Both sides
// import these types; free of VS Code and of the tensor library.
import { ErrorCodes, NotificationType, RequestType } from 'vscode-jsonrpc';
import type { SearchMetric } from '../contrastive/eval/search';

export interface NeighborSample {
  readonly index: number;
  readonly id: string;
  readonly label: number | null;
  readonly className: string | null;
  readonly split: 'train' | 'test';
}

export interface Neighbor extends NeighborSample {
  readonly rank: number;
  readonly distance: number;
  /** Whether the neighbour has the query's label (null when unlabelled). */
  readonly sameLabel: boolean | null;
}

/** The answer to a FindNeighborsRequest, and what `neighbors --json` prints. */
export interface NeighborsResult {
  readonly metric: SearchMetric;
  readonly query: NeighborSample;
  readonly neighbors: readonly Neighbor[];
}

/** Sent once the run's header and sample index are read (the vectors are scanned per query): requests sent before it wait in the client. */
export interface ReadyParams {
  readonly count: number;
  readonly dim: number;
  /** The metric used when a request names none: cosine, or euclidean for unnormalised euclidean runs. */
  readonly metric: SearchMetric;
}

export const ReadyNotification = new NotificationType<ReadyParams>('neighbors/ready');

export interface FindNeighborsParams {
  /** Index of the query sample (0-based, the order of embeddings/samples.json). */
  readonly query: number;
  /** How many neighbours; DEFAULT_SERVE_K when absent. */
  readonly k?: number;
  readonly metric?: SearchMetric;
}

export const DEFAULT_SERVE_K = 10;

export const FindNeighborsRequest = new RequestType<FindNeighborsParams, NeighborsResult, void>('neighbors/find');

/** Error codes of a FindNeighborsRequest's ResponseError. */
export const NeighborErrorCodes = {
  /** Malformed parameters, or a query or k outside the run (the message says which). */
  invalidParams: ErrorCodes.InvalidParams,
  /** Cancelled before the search started (the same code LSP uses for RequestCancelled). */
  cancelled: -32800,
  /** The search itself failed (the message is the library's). */
  searchFailed: 1,
} as const;
