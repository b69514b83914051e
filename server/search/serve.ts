// `contrastive-lab search <run> --serve`: answers search/find requests (protocol.ts) over JSON-RPC
// on stdin/stdout with one SearchSession (the network and index loaded once). A bad query gets a
// ResponseError naming the file; only the end of the input (or stop) ends it. Requests are answered
// one at a time, in order.
import type { Readable, Writable } from 'node:stream';
import { ResponseError } from 'vscode-jsonrpc/node';
import { serveJsonRpc } from '../shared/jsonRpcServe';
import { DataError } from '../contrastive/data/errors';
import { DEFAULT_SEARCH_K, SearchErrorCodes, SearchFindRequest, SearchReadyNotification, type SearchFindParams, type SearchResults } from './protocol';

/** A loaded run that answers searches: SearchSession (one tower) or TowerSearchSession (two towers, which also takes texts). */
export interface QuerySession {
  readonly count: number;
  readonly dim: number;
  readonly metric: SearchResults['metric'];
  readonly indexKind: 'exact' | 'hnsw';
  search(paths: readonly string[], k: number, cwd?: string): Promise<SearchResults>;
  searchTexts?(texts: readonly string[], k: number): Promise<SearchResults>;
}

const isList = (v: unknown): v is string[] => Array.isArray(v) && v.every((q) => typeof q === 'string' && q !== '');

/** Why the parameters are not a request (null when they are one). */
export function checkSearchParams(params: unknown): string | null {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return 'the parameters must be an object like {"queries":["query.png"],"k":10} or {"texts":["a handwritten seven"]}';
  const p = params as Record<string, unknown>;
  if (p.texts === undefined) {
    if (!isList(p.queries) || p.queries.length === 0) return 'field "queries" must be a non-empty list of file paths';
  } else {
    if (!Array.isArray(p.texts) || !p.texts.every((t) => typeof t === 'string')) return 'field "texts" must be a list of texts';
    if (p.queries !== undefined && !isList(p.queries)) return 'field "queries" must be a list of file paths';
    if (p.texts.length + ((p.queries as unknown[] | undefined)?.length ?? 0) === 0) return 'give at least one query: field "queries" (file paths) or "texts" (text, for a two-tower run)';
  }
  if (p.k !== undefined && (typeof p.k !== 'number' || !Number.isInteger(p.k) || p.k < 1)) return 'field "k" must be a positive whole number';
  return null;
}

/** File queries' results, then text queries' (a one-tower run says it cannot take texts). */
export async function searchBoth(session: QuerySession, files: readonly string[], texts: readonly string[], k: number, cwd?: string): Promise<SearchResults> {
  if (texts.length > 0 && session.searchTexts === undefined) throw new DataError(texts.map((t) => JSON.stringify(t)).join(', '), 'is a text query, but this run has one tower, which embeds images or vectors; text queries need a two-tower run with a text tower (architecture.towers).');
  const parts: SearchResults[] = [];
  if (files.length > 0) parts.push(await session.search(files, k, cwd));
  if (texts.length > 0) parts.push(await session.searchTexts!(texts, k));
  return { ...parts[0]!, results: parts.flatMap((p) => p.results) };
}

async function answer(session: QuerySession, params: SearchFindParams, cwd: string): Promise<SearchResults | ResponseError<void>> {
  const problem = checkSearchParams(params);
  if (problem !== null) return new ResponseError(SearchErrorCodes.invalidParams, problem);
  try {
    return await searchBoth(session, params.queries ?? [], params.texts ?? [], params.k ?? DEFAULT_SEARCH_K, cwd);
  } catch (e) {
    return new ResponseError(e instanceof DataError || e instanceof RangeError ? SearchErrorCodes.invalidParams : SearchErrorCodes.searchFailed, e instanceof Error ? e.message : String(e));
  }
}

export function serveSearch(session: QuerySession, input: Readable, output: Writable, stop: AbortSignal, log: (line: string) => void, cwd: string = process.cwd()): Promise<void> {
  // One search at a time: they share the backend and the model.
  let queue: Promise<unknown> = Promise.resolve();
  return serveJsonRpc(input, output, stop, log, {
    handlers: (connection) =>
      connection.onRequest(SearchFindRequest, (params) => {
        const next = queue.then(() => answer(session, params, cwd));
        queue = next;
        return next;
      }),
    ready: (connection) => void connection.sendNotification(SearchReadyNotification, { count: session.count, dim: session.dim, metric: session.metric, index: session.indexKind }),
  });
}
