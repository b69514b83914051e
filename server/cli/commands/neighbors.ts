// `contrastive-lab neighbors <run-dir> --query <index> [-k 10]`: the nearest stored samples of one sample.
import { resolve } from 'node:path';
import { initBackend } from '../../contrastive/backend';
import { findNeighbors } from '../../trainer/neighbors';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { nonNegativeInt, positiveInt } from '../../trainer/cliOptions';

const usage = `Usage: contrastive-lab neighbors <run-dir> --query <index> [-k 10] [--json]

Prints the k nearest samples of sample <index> among the run's stored embeddings
(embeddings/vectors.f32), with distance and label; mismatched labels are marked with ✗.
The metric is cosine, or euclidean when the run compared unnormalised euclidean distances.

Options:
  --query N        index of the query sample (0-based, the order of embeddings/samples.json)
  -k N             how many neighbours (default 10)
  --metric NAME    cosine | euclidean (default: from the run's spec)
  --json           one JSON object with the query and its neighbours
  --help           show this help

Exit codes: 0 printed, 1 the run has no embeddings or the query is out of range, 2 wrong usage.`;

export const neighborsCommand: Command = {
  name: 'neighbors',
  summary: 'Print the k nearest samples of one sample of a run, with distance and label.',
  usage,
  async run(argv: readonly string[]): Promise<number> {
    const args = parseArgs(argv, { booleans: ['json'], values: ['query', 'k', 'metric'] });
    if (args.positionals.length !== 1) throw new UsageError('neighbors needs one run directory');
    if (!args.values.has('query')) throw new UsageError('--query <index> is required');
    const query = nonNegativeInt(args.values.get('query'), '--query');
    const k = positiveInt(args.values.get('k'), '-k', 10);
    const metricArg = args.values.get('metric');
    if (metricArg !== undefined && metricArg !== 'cosine' && metricArg !== 'euclidean') throw new UsageError(`--metric must be cosine or euclidean, got "${metricArg}"`);
    await initBackend('auto');
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
