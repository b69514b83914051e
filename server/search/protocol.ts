// The messages of `contrastive-lab search <run> --serve`: JSON-RPC 2.0 over stdin/stdout
// (vscode-jsonrpc, Content-Length framing), as `neighbors --serve`. Free of VS Code and of the
// tensor library, so the extension can import them.
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { SearchMetric } from '../contrastive/eval/search';

/** One item of a run's index. */
export interface IndexItem {
  /** Row of the run's index: stored samples first (their embeddings/samples.json order), then added items. */
  readonly index: number;
  readonly id: string;
  readonly label: number | null;
  readonly className: string | null;
  /** `added`: put in the index with `contrastive-lab index --add`, not one of the run's samples. */
  readonly split: 'train' | 'test' | 'added';
}

export interface SearchHit extends IndexItem {
  readonly rank: number;
  readonly distance: number;
  /**
   * A two-tower run's text-side item: its caption (the item's id is `a/…` or `b/…`, its pair's side).
   * Identical captions are listed once, at the nearest of their items.
   */
  readonly text?: string;
}

export interface QueryResult {
  /** The query file, `file:N` for line N of a CSV/JSONL file, or the text of a text query. */
  readonly query: string;
  /** `text`: the query is a text (a two-tower run's text tower embedded it); absent for a file. */
  readonly kind?: 'text';
  readonly neighbors: readonly SearchHit[];
}

/** What `search --json` prints, and the answer of a search/find request. */
export interface SearchResults {
  readonly metric: SearchMetric;
  /** exact, or hnsw (approximate). */
  readonly index: 'exact' | 'hnsw';
  /** Items in the run's index. */
  readonly count: number;
  readonly results: readonly QueryResult[];
}

/** Sent once the run's network and index are loaded. */
export interface SearchReadyParams {
  readonly count: number;
  readonly dim: number;
  readonly metric: SearchMetric;
  readonly index: 'exact' | 'hnsw';
}

export const SearchReadyNotification = new NotificationType<SearchReadyParams>('search/ready');

export interface SearchFindParams {
  /** Query files, folders or CSV/JSONL files (absolute, or relative to the server's working folder). */
  readonly queries?: readonly string[];
  /** Text queries, for a two-tower run with a text tower (its results are the other side's items). */
  readonly texts?: readonly string[];
  /** How many neighbours per query; DEFAULT_SEARCH_K when absent. */
  readonly k?: number;
}

export const DEFAULT_SEARCH_K = 10;

export const SearchFindRequest = new RequestType<SearchFindParams, SearchResults, void>('search/find');

/** Error codes of a SearchFindRequest's ResponseError. */
export const SearchErrorCodes = {
  /** Malformed parameters, or a query that cannot be read or has the wrong shape (the message names the file). */
  invalidParams: -32602,
  /** The search itself failed. */
  searchFailed: 1,
} as const;
