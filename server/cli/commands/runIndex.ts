// `contrastive-lab index <run-dir> [--add <files>...]`: what a run's search index holds, and adding
// new items to it without retraining.
import { resolve } from 'node:path';
import type { BackendRequest } from '../../contrastive/backend.decl';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { backendArg, threadsArg } from '../options';
import { indexOptions, INDEX_FLAGS, INDEX_OPTIONS_HELP } from './searchOptions';

const usage = `Usage: contrastive-lab index <run-dir> --add <file>... [--json]
       contrastive-lab index <run-dir> [--hnsw] [--json]

The index \`contrastive-lab search\` looks in: the run's stored embeddings, then the items added
with --add. With --add, each file (an image, a folder of images, or a .csv/.jsonl file of rows,
as search takes them) is embedded with the run's saved network and appended to the index, with
its path as its id, without retraining; they are kept in <run-dir>/search/added.f32 and added.json,
and a stored HNSW index is extended with them. Without --add it says what the index holds; with
--hnsw it also builds (or brings up to date) the HNSW index now.

Options:
  --add              embed the files that follow and append them to the index
  --json             print the outcome as one JSON object
${INDEX_OPTIONS_HELP}
  --backend NAME     auto | tensorflow | wasm | cpu (default auto)
  --help             show this help

Exit codes: 0 done, 1 a file cannot be read or does not fit the run, or the run has no saved
network or embeddings (nothing is written then), 2 wrong usage.`;

export const indexCommand: Command = {
  usage,
  async run(argv) {
    const args = parseArgs(argv, { booleans: ['add', 'json', ...INDEX_FLAGS.booleans], values: ['backend', ...INDEX_FLAGS.values] });
    const [run, ...files] = args.positionals;
    if (run === undefined) throw new UsageError('index needs a run directory');
    const adding = args.booleans.has('add');
    if (adding && files.length === 0) throw new UsageError('--add needs at least one file or folder to add');
    if (!adding && files.length > 0) throw new UsageError(`unexpected ${files.join(' ')}: put --add before the files to add`);
    const runDir = resolve(run);
    const options = indexOptions(args, (line) => process.stderr.write(`note: ${line}\n`));
    const threads = threadsArg(args.values.get('threads'));
    const json = args.booleans.has('json');
    if (adding) {
      const { addToRunIndex } = await loadSearch(backendArg(args.values.get('backend')) ?? 'auto', threads);
      const outcome = await addToRunIndex(runDir, files, options);
      process.stdout.write(json ? JSON.stringify(outcome) + '\n' : `added ${outcome.added} item${outcome.added === 1 ? '' : 's'} to the index of ${runDir}; it now holds ${outcome.count}\n`);
      return 0;
    }
    // Describing (or building the HNSW graph) needs no network: the stored vectors are enough.
    const { RunIndex } = await import('../../search/runIndex');
    const { metricForRun } = await import('../../trainer/neighbors');
    const { initBackend } = await import('../../contrastive/backend');
    await initBackend(backendArg(args.values.get('backend')) ?? 'auto', threads !== null ? { threads } : {});
    const index = await RunIndex.open(runDir, { ...options, metric: options.metric ?? metricForRun(runDir) });
    try {
      const summary = { count: index.count, dim: index.dim, metric: index.metric, index: index.kind, added: index.addedCount };
      process.stdout.write(json ? JSON.stringify(summary) + '\n' : `${runDir}: ${summary.count} items (${summary.added} added) of dimension ${summary.dim}; ${summary.metric} distance, ${summary.index === 'hnsw' ? 'approximate (HNSW) search' : 'exact search'}\n`);
    } finally {
      index.dispose();
    }
    return 0;
  },
};

/** tfjs and sharp are loaded when an index is changed, not when the CLI starts. */
async function loadSearch(backend: BackendRequest, threads: number | null): Promise<typeof import('../../search/searchRun')> {
  const { initBackend } = await import('../../contrastive/backend');
  await initBackend(backend, threads !== null ? { threads } : {});
  return import('../../search/searchRun');
}
