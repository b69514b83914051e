// `contrastive-lab search <run-dir> <query>...`: the nearest items of the run's index to new inputs.
import { resolve } from 'node:path';
import type { BackendRequest } from '../../contrastive/backend.decl';
import type { SearchResults } from '../../search/protocol';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { backendArg, positiveInt, threadsArg } from '../options';
import { indexOptions, INDEX_FLAGS, INDEX_OPTIONS_HELP } from './searchOptions';

const usage = `Usage: contrastive-lab search <run-dir> <query>... [-k 10] [--json]
       contrastive-lab search <two-tower-run-dir> --text "a handwritten seven" [--text ...] [-k 10] [--json]
       contrastive-lab search <run-dir> --serve

Embeds new inputs with the run's saved network (its newest checkpoint) and prints the k nearest
items of the run's index (its stored embeddings, plus items added with \`contrastive-lab index
--add\`), with the run's distance: cosine, or euclidean when the run compared unnormalised
euclidean distances. The inputs are prepared as the run prepared its data: images resized to
data.imageSize and converted to data.channels, then normalised as data.normalize says (with the
statistics of the run's training split, for which its data is read again).

A query is an image file, a folder of images (each image one query), or a .csv / .jsonl file
(each row one query): for a vector run its feature columns (data.labelColumn is left out when
present); for an image run imageSize × imageSize × channels pixel values 0..255 per row.

A two-tower run (architecture.towers) is searched across its towers, with cosine distance: a
--text query is embedded by its text tower (the run's tokenizer and weights) and finds the other
side's items (the images, for images with captions); a file query is embedded by its network tower
and finds the text side's items, printed with their captions. Its towers are restored from the
newest checkpoint with the run's paired data, which is read again.

With --serve the network and index are loaded once and queries are answered over JSON-RPC 2.0 on
stdin/stdout (Content-Length framing; the messages are in server/search/protocol.ts):
  notification out  search/ready  {"count":N,"dim":D,"metric":"cosine","index":"exact"}
  request           search/find   {"queries":["a.png","rows.csv"],"k":10}   (k optional)
                                  {"texts":["a handwritten seven"]}          (two-tower runs)
  result            {"metric","index","count","results":[{"query","kind"?,"neighbors":[{"rank","index","id","label","className","split","distance","text"?}]}]}
                    (kind "text" for a text query; text: a two-tower run's caption)
  error             code -32602 for a query that cannot be read or has the wrong shape, 1 when the search failed
It ends when stdin closes or on SIGTERM / SIGINT.

Options:
  --text TEXT        a text query, for a two-tower run (may be given several times)
  -k N               how many neighbours per query (default 10)
  --json             one JSON object with every query's neighbours
  --serve            answer queries from stdin until it closes (see above)
${INDEX_OPTIONS_HELP}
  --backend NAME     auto | tensorflow | wasm | cpu (default auto)
  --help             show this help

Exit codes: 0 printed (or served until stdin closed), 1 a query cannot be read or does not fit the
run, or the run has no saved network or embeddings, 2 wrong usage.`;

function describe(results: SearchResults): string {
  const lines: string[] = [];
  for (const r of results.results) {
    lines.push(`query ${r.kind === 'text' ? JSON.stringify(r.query) : r.query}; ${results.metric} distance, ${results.index === 'hnsw' ? 'approximate (HNSW)' : 'exact'} search over ${results.count} items`);
    for (const n of r.neighbors) {
      const label = n.className ?? (n.label === null ? '-' : String(n.label));
      lines.push(`${String(n.rank).padStart(3)}. #${n.index} ${n.id}${n.text !== undefined ? ` ${JSON.stringify(n.text)}` : ''}  label ${label}  distance ${n.distance.toFixed(4)}  (${n.split})`);
    }
  }
  return lines.join('\n') + '\n';
}

export const searchCommand: Command = {
  usage,
  async run(argv) {
    const args = parseArgs(argv, { booleans: ['json', 'serve', ...INDEX_FLAGS.booleans], values: ['k', 'backend', ...INDEX_FLAGS.values], lists: ['text'] });
    const [run, ...queries] = args.positionals;
    const texts = args.lists.get('text') ?? [];
    if (run === undefined) throw new UsageError('search needs a run directory and at least one query (an image, a folder of images, a .csv/.jsonl file, or --text for a two-tower run)');
    const serve = args.booleans.has('serve');
    if (serve && (queries.length > 0 || texts.length > 0 || args.values.has('k') || args.booleans.has('json'))) throw new UsageError('--serve reads its queries from stdin: leave out the query paths, --text, -k and --json');
    if (!serve && queries.length === 0 && texts.length === 0) throw new UsageError('give at least one query after the run directory: an image, a folder of images or a .csv/.jsonl file, or --text "..." for a two-tower run (or --serve)');
    const k = positiveInt(args.values.get('k'), '-k', 10);
    const options = indexOptions(args, (line) => process.stderr.write(`note: ${line}\n`));
    const threads = threadsArg(args.values.get('threads'));
    const { openQuerySession, searchBoth } = await loadSearch(backendArg(args.values.get('backend')) ?? 'auto', threads);
    const session = await openQuerySession(resolve(run), { ...options, texts });
    try {
      if (serve) return await serveUntilClosed(session);
      const results = await searchBoth(session, queries, texts, k);
      process.stdout.write(args.booleans.has('json') ? JSON.stringify(results) + '\n' : describe(results));
      return 0;
    } finally {
      session.dispose();
    }
  },
};

/** The search modules pull in tfjs and sharp: loaded when a search runs, not when the CLI starts. */
async function loadSearch(backend: BackendRequest, threads: number | null): Promise<typeof import('../../search/openSession') & Pick<typeof import('../../search/serve'), 'searchBoth'>> {
  const { initBackend } = await import('../../contrastive/backend');
  await initBackend(backend, threads !== null ? { threads } : {});
  const [opened, { searchBoth }] = await Promise.all([import('../../search/openSession'), import('../../search/serve')]);
  return { ...opened, searchBoth };
}

async function serveUntilClosed(session: import('../../search/openSession').OpenedSearch): Promise<number> {
  const { serveSearch } = await import('../../search/serve');
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await serveSearch(session, process.stdin, process.stdout, stop.signal, (line) => process.stderr.write(`contrastive-lab search --serve: ${line}\n`));
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    // stdin may still hold the process open after a signal.
    process.stdin.destroy();
  }
  return 0;
}
