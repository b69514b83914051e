// The index options shared by `search` and `index`: exact or approximate (HNSW) search, the size
// above which HNSW is used, the threads it builds with, and the metric.
import type { ParsedArgs } from '../args';
import { UsageError } from '../command';
import { nonNegativeInt, positiveInt } from '../options';
import type { SearchSessionOptions } from '../../search/searchRun';

export const INDEX_FLAGS = { booleans: ['exact', 'hnsw'], values: ['hnsw-threshold', 'metric', 'threads'] } as const;

export const INDEX_OPTIONS_HELP = `  --exact            always search exactly (the default up to --hnsw-threshold items)
  --hnsw             always use the approximate HNSW index (needs the optional package usearch)
  --hnsw-threshold N above N items the HNSW index is used when usearch is installed (default 100000);
                     it is built on first use and kept in <run-dir>/search/
  --metric NAME      cosine | euclidean (default: from the run's spec)
  --threads N        threads for the tensor backend and the HNSW index (default: every core)`;

export function indexOptions(args: ParsedArgs, note: (line: string) => void): SearchSessionOptions {
  const exact = args.booleans.has('exact');
  const hnsw = args.booleans.has('hnsw');
  if (exact && hnsw) throw new UsageError('--exact and --hnsw contradict each other; give one');
  const metric = args.values.get('metric');
  if (metric !== undefined && metric !== 'cosine' && metric !== 'euclidean') throw new UsageError(`--metric must be cosine or euclidean, got "${metric}"`);
  const threads = args.values.has('threads') ? nonNegativeInt(args.values.get('threads'), '--threads') : undefined;
  return {
    mode: exact ? 'exact' : hnsw ? 'hnsw' : 'auto',
    // Absent: runIndex.ts's DEFAULT_HNSW_THRESHOLD (the help above says its value).
    ...(args.values.has('hnsw-threshold') ? { threshold: positiveInt(args.values.get('hnsw-threshold'), '--hnsw-threshold', 1) } : {}),
    ...(metric !== undefined ? { metric } : {}),
    ...(threads !== undefined && threads > 0 ? { threads } : {}),
    note,
  };
}
