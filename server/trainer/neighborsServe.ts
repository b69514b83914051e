// `contrastive-lab neighbors <run-dir> --serve`: answers neighbour queries over JSON-RPC on
// stdin/stdout (neighborsProtocol.ts) against a run's embeddings (a NeighborIndex). The
// extension's gallery keeps one such process per run instead of searching in the editor process.
// A bad request gets a ResponseError with a code; only the end of the input (or stop) ends it.
import type { Readable, Writable } from 'node:stream';
import { ResponseError, type CancellationToken, type Message, type ResponseMessage } from 'vscode-jsonrpc/node';
import { serveJsonRpc } from '../shared/jsonRpcServe';
import { DEFAULT_SERVE_K, FindNeighborsRequest, NeighborErrorCodes, ReadyNotification, type FindNeighborsParams, type NeighborsResult } from './neighborsProtocol';
import type { NeighborIndex } from './neighbors';

/** Why the parameters are not a request (null when they are one); the sample range is the index's to check. */
export function checkFindParams(params: unknown): string | null {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return 'the parameters must be an object like {"query":12,"k":10}';
  const p = params as Record<string, unknown>;
  if (typeof p.query !== 'number') return 'field "query" (the index of the query sample) must be a number';
  if (p.k !== undefined && typeof p.k !== 'number') return 'field "k" must be a number';
  if (p.metric !== undefined && p.metric !== 'cosine' && p.metric !== 'euclidean') return `field "metric" must be "cosine" or "euclidean", got ${JSON.stringify(p.metric)}`;
  return null;
}

/** The answer to one request, or its ResponseError; never throws. */
export function answerFind(index: NeighborIndex, params: FindNeighborsParams, token: CancellationToken): NeighborsResult | ResponseError<void> {
  if (token.isCancellationRequested) return new ResponseError(NeighborErrorCodes.cancelled, 'cancelled before the search started');
  const problem = checkFindParams(params);
  if (problem !== null) return new ResponseError(NeighborErrorCodes.invalidParams, problem);
  try {
    return index.find(params.query, params.k ?? DEFAULT_SERVE_K, params.metric);
  } catch (e) {
    // NeighborIndex says a query or k outside the run with a RangeError.
    return new ResponseError(e instanceof RangeError ? NeighborErrorCodes.invalidParams : NeighborErrorCodes.searchFailed, e instanceof Error ? e.message : String(e));
  }
}

// A request cancelled while it waited behind a slow search is answered at once, never searched.
function cancelUndispatched(message: Message): ResponseMessage | undefined {
  const id = (message as { id?: unknown }).id;
  if (typeof id !== 'number' && typeof id !== 'string') return undefined;
  return { jsonrpc: '2.0', id, error: { code: NeighborErrorCodes.cancelled, message: 'cancelled before the search started' } };
}

/**
 * Sends the ready notification (count, dim, metric), then answers requests until the input ends or
 * `stop` aborts. Messages that cannot be read (not JSON) are reported on `log` and skipped.
 */
export function serveNeighbors(index: NeighborIndex, input: Readable, output: Writable, stop: AbortSignal, log: (line: string) => void): Promise<void> {
  return serveJsonRpc(input, output, stop, log, {
    handlers: (connection) => connection.onRequest(FindNeighborsRequest, (params, token) => answerFind(index, params, token)),
    ready: (connection) => void connection.sendNotification(ReadyNotification, { count: index.count, dim: index.dim, metric: index.defaultMetric }),
    connection: { cancelUndispatched },
  });
}
