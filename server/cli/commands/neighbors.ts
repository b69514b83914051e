// `contrastive-lab neighbors <run-dir> --query <index> [-k 10]`: the nearest stored samples of one sample.
import { resolve } from 'node:path';
import type { SearchMetric } from '../../contrastive/eval/search';
import { findNeighbors, NeighborIndex } from '../../trainer/neighbors';
import { serveNeighbors } from '../../trainer/neighborsServe';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { backendArg, nonNegativeInt, positiveInt } from '../options';

const usage = `Usage: contrastive-lab neighbors <run-dir> --query <index> [-k 10] [--json]
       contrastive-lab neighbors <run-dir> --serve

Prints the k nearest samples of sample <index> among the run's stored embeddings
(embeddings/vectors.f32), with distance and label; mismatched labels are marked with ✗.
The metric is cosine, or euclidean when the run compared unnormalised euclidean distances.
The search is exact: every stored vector is compared with the query, read from vectors.f32 a
block at a time (a million 128-d vectors in under a second, with a few megabytes of them in memory).

With --serve the run's header and sample index are read once (it is ready then, before any vector
is read) and queries are answered over JSON-RPC 2.0 on stdin/stdout (Content-Length framing, as
the Language Server Protocol; the extension's gallery works this way, the message types are in
server/trainer/neighborsProtocol.ts):
  notification out  neighbors/ready  {"count":N,"dim":D,"metric":"cosine"}
  request           neighbors/find   {"query":12,"k":10,"metric":"cosine"}   (k and metric optional)
  result            {"metric":...,"query":{...},"neighbors":[{"index","id","label","className","distance",...}]}
  error             code -32602 for a bad request ("query 99 is not a sample of this run; ..."),
                    -32800 when cancelled ($/cancelRequest) before the search started, 1 when the search failed
It ends when stdin closes or on SIGTERM / SIGINT.

Options:
  --query N        index of the query sample (0-based, the order of embeddings/samples.json)
  -k N             how many neighbours (default 10)
  --metric NAME    cosine | euclidean (default: from the run's spec)
  --json           one JSON object with the query and its neighbours
  --serve          answer queries from stdin until it closes (see above)
  --backend NAME   accepted for callers that pass the trainer's backend; the search needs none
  --help           show this help

Exit codes: 0 printed (or served until stdin closed), 1 the run has no embeddings or the query is out of range, 2 wrong usage.`;

export const neighborsCommand: Command = {
  usage,
  async run(argv: readonly string[]): Promise<number> {
    const args = parseArgs(argv, { booleans: ['json', 'serve'], values: ['query', 'k', 'metric', 'backend'] });
    if (args.positionals.length !== 1) throw new UsageError('neighbors needs one run directory');
    const metricArg = args.values.get('metric');
    if (metricArg !== undefined && metricArg !== 'cosine' && metricArg !== 'euclidean') throw new UsageError(`--metric must be cosine or euclidean, got "${metricArg}"`);
    // Checked so that a misspelt backend is still a usage error; the search runs in plain JavaScript.
    backendArg(args.values.get('backend'));
    if (args.booleans.has('serve')) {
      if (args.values.has('query') || args.values.has('k') || args.booleans.has('json')) throw new UsageError('--serve reads its queries from stdin: leave out --query, -k and --json');
      return serve(resolve(args.positionals[0]!), metricArg);
    }
    if (!args.values.has('query')) throw new UsageError('--query <index> is required (or --serve)');
    const query = nonNegativeInt(args.values.get('query'), '--query');
    const k = positiveInt(args.values.get('k'), '-k', 10);
    const result = findNeighbors(resolve(args.positionals[0]!), query, k, metricArg);
    if (args.booleans.has('json')) {
      process.stdout.write(JSON.stringify(result) + '\n');
      return 0;
    }
    const name = (s: { className: string | null; label: number | null }): string => s.className ?? (s.label === null ? '-' : String(s.label));
    const q = result.query;
    const lines = [`query #${q.index} ${q.id} label ${name(q)} (${q.split}); ${result.metric} distance`];
    for (const n of result.neighbors) {
      const mark = n.sameLabel === null ? ' ' : n.sameLabel ? '✓' : '✗';
      lines.push(`${String(n.rank).padStart(3)}. ${mark} #${n.index} ${n.id}  label ${name(n)}  distance ${n.distance.toFixed(4)}  (${n.split})`);
    }
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};

async function serve(runDir: string, metric: SearchMetric | undefined): Promise<number> {
  const index = new NeighborIndex(runDir, metric);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await serveNeighbors(index, process.stdin, process.stdout, stop.signal, (line) => process.stderr.write(`contrastive-lab neighbors --serve: ${line}\n`));
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    index.dispose();
    // stdin may still hold the process open after a signal.
    process.stdin.destroy();
  }
  return 0;
}
