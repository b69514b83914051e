// `contrastive-lab search <run> --serve`: answers search/find requests (protocol.ts) over JSON-RPC
// on stdin/stdout with one SearchSession (the network and index loaded once). A bad query gets a
// ResponseError naming the file; only the end of the input (or stop) ends it. Requests are answered
// one at a time, in order.
import type { Readable, Writable } from 'node:stream';
import { ResponseError } from 'vscode-jsonrpc/node';
import { serveJsonRpc } from '../shared/jsonRpcServe';
import { DataError } from '../contrastive/data/errors';
import { DEFAULT_SEARCH_K, SearchErrorCodes, SearchFindRequest, SearchReadyNotification, type SearchFindParams, type SearchResults } from './protocol';
import type { SearchSession } from './searchRun';

/** Why the parameters are not a request (null when they are one). */
export function checkSearchParams(params: unknown): string | null {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return 'the parameters must be an object like {"queries":["query.png"],"k":10}';
  const p = params as Record<string, unknown>;
  if (!Array.isArray(p.queries) || p.queries.length === 0 || !p.queries.every((q) => typeof q === 'string' && q !== '')) return 'field "queries" must be a non-empty list of file paths';
  if (p.k !== undefined && (typeof p.k !== 'number' || !Number.isInteger(p.k) || p.k < 1)) return 'field "k" must be a positive whole number';
  return null;
}

async function answer(session: SearchSession, params: SearchFindParams, cwd: string): Promise<SearchResults | ResponseError<void>> {
  const problem = checkSearchParams(params);
  if (problem !== null) return new ResponseError(SearchErrorCodes.invalidParams, problem);
  try {
    return await session.search(params.queries, params.k ?? DEFAULT_SEARCH_K, cwd);
  } catch (e) {
    return new ResponseError(e instanceof DataError || e instanceof RangeError ? SearchErrorCodes.invalidParams : SearchErrorCodes.searchFailed, e instanceof Error ? e.message : String(e));
  }
}

export function serveSearch(session: SearchSession, input: Readable, output: Writable, stop: AbortSignal, log: (line: string) => void, cwd: string = process.cwd()): Promise<void> {
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
