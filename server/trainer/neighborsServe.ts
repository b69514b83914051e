// `contrastive-lab neighbors <run-dir> --serve`: answers neighbour queries, one JSON request per
// line in, one JSON answer per line out, against embeddings loaded once (a NeighborIndex). The
// extension's gallery keeps one such process per run instead of searching in the editor process.
// A bad request gets an error answer; only the end of the input (or stop) ends the loop.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { SearchMetric } from '../contrastive/eval/search';
import type { NeighborIndex } from './neighbors';

export const DEFAULT_SERVE_K = 10;

export interface NeighborRequest {
  readonly id: string | number | null;
  readonly query: number;
  readonly k: number;
  readonly metric: SearchMetric | undefined;
}

/** A request line, or the reason it is not one (with the id, when the line had a usable one). */
export function parseNeighborRequest(line: string): { ok: true; request: NeighborRequest } | { ok: false; id: string | number | null; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, id: null, error: `not JSON: ${JSON.stringify(line.slice(0, 80))}; send one object per line, e.g. {"id":1,"query":12,"k":10}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, id: null, error: 'a request must be a JSON object like {"id":1,"query":12,"k":10}' };
  const r = value as Record<string, unknown>;
  const id = typeof r.id === 'string' || typeof r.id === 'number' ? r.id : null;
  if (typeof r.query !== 'number') return { ok: false, id, error: 'field "query" (the index of the query sample) must be a number' };
  if (r.k !== undefined && typeof r.k !== 'number') return { ok: false, id, error: 'field "k" must be a number' };
  if (r.metric !== undefined && r.metric !== 'cosine' && r.metric !== 'euclidean') return { ok: false, id, error: `field "metric" must be "cosine" or "euclidean", got ${JSON.stringify(r.metric)}` };
  return { ok: true, request: { id, query: r.query, k: r.k ?? DEFAULT_SERVE_K, metric: r.metric } };
}

/** The answer line for one request line; never throws. */
export function answerLine(index: NeighborIndex, line: string): string {
  const parsed = parseNeighborRequest(line);
  if (!parsed.ok) return JSON.stringify({ id: parsed.id, error: parsed.error });
  const { id, query, k, metric } = parsed.request;
  try {
    return JSON.stringify({ id, ...index.find(query, k, metric) });
  } catch (e) {
    return JSON.stringify({ id, error: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * Writes a ready line ({"ready":true,count,dim,metric}), then answers each non-blank input line.
 * Resolves when the input ends or `stop` aborts.
 */
export function serveNeighbors(index: NeighborIndex, input: Readable, output: Writable, stop: AbortSignal): Promise<void> {
  output.write(JSON.stringify({ ready: true, count: index.count, dim: index.dim, metric: index.defaultMetric }) + '\n');
  const lines = createInterface({ input, crlfDelay: Infinity });
  return new Promise((resolve) => {
    const end = (): void => lines.close();
    if (stop.aborted) end();
    stop.addEventListener('abort', end, { once: true });
    lines.on('line', (line) => {
      if (line.trim().length > 0) output.write(answerLine(index, line) + '\n');
    });
    lines.once('close', () => {
      stop.removeEventListener('abort', end);
      resolve();
    });
  });
}
