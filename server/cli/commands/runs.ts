// `contrastive-lab runs [folders...]`: the runs table in the terminal — one row per run, the spec
// parameters that differ between the shown runs and the results — sortable, filterable, as text,
// CSV or JSON. The editor's Experiments table shows the same rows (server/runs/table).
import { relative } from 'node:path';
import { plural } from '../../shared/plural';
import { FilterError } from '../../runs/table/filter';
import { loadRows } from '../../runs/table/load';
import { groupBySweep } from '../../runs/table/groups';
import { viewAsCsv, viewAsGroupedText, viewAsJson, viewAsText } from '../../runs/table/output';
import { formatSort } from '../../runs/table/sort';
import { buildView, parseViewQuery } from '../../runs/table/view';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { runFolders } from '../runFolders';
import { annotateUsage, isAnnotateAction, runAnnotate } from './runsAnnotate';

const usage = `Usage: contrastive-lab runs [runs-folder...] [--sort key[,key]] [--filter expr]...
                          [--columns a,b | --all-columns] [--group sweep] [--json | --csv]
${annotateUsage}

Prints a table of the runs in the folders (default: ./runs and where \`train\` puts the runs of the
specs here and one folder down): one row per run with its star, name, status, start time and tags, every
spec parameter whose value differs between the shown runs (dotted paths such as loss.temperature,
architecture.backbone.type) and its results: kNN (last evaluation), best kNN, linear probe, final
loss and wall time; --all-columns adds every parameter and P@1, R@k, MAP@R, collapse std, samples/s,
engine, backend, the run folder name and notes.

Options:
  --sort key[,key]   order by these columns; a leading - sorts descending: --sort -knn,loss.temperature
                     (runs without a value come last)
  --filter expr      keep the runs where expr holds; repeat to require several. expr is
                     <column> <op> <value> [and ...] with op = ≠ < ≤ > ≥ contains (or == != <= >= ~);
                     values are numbers (80% is 0.8), true/false/null, words or "quoted text":
                       --filter 'knn > 80%' --filter 'loss.type = infoNCE and tags contains baseline'
  --columns a,b      exactly these columns, in this order (names as in --json / the CSV header)
  --all-columns      every column, not only the changed parameters and the main results
  --group sweep      the runs of each sweep together, under a line naming the sweep: how many of its
                     runs are shown and their states, the paths it varies, its base spec and its best
                     value under --sort; the group sits where its best run would (runs of no sweep
                     stay ungrouped). With --json, a "groups" list too; CSV stays one line per run
  --json             {columns: [...], runs: [{dir, <column>: value}]} with raw values
  --csv              the shown columns as CSV (raw values: fractions, seconds, ISO times)
  --help             show this help

Exit codes: 0 printed (also when no run matches), 1 a named folder does not exist, 2 wrong usage
(an unknown option or column, a filter that does not parse).`;

export const runsCommand: Command = {
  usage,
  async run(argv: readonly string[]): Promise<number> {
    // `runs star|unstar|note|tag ...`; a runs folder named like an action is written ./star.
    if (isAnnotateAction(argv[0])) return runAnnotate(argv);
    const args = parseArgs(argv, { booleans: ['json', 'csv', 'all-columns'], values: ['sort', 'columns', 'group'], lists: ['filter'] });
    const group = args.values.get('group');
    if (group !== undefined && group !== 'sweep') throw new UsageError(`--group ${group}: runs can be grouped only by sweep (--group sweep)`);
    if (args.booleans.has('json') && args.booleans.has('csv')) throw new UsageError('choose one of --json and --csv');
    const columns = args.values.get('columns');
    if (columns !== undefined && args.booleans.has('all-columns')) throw new UsageError('choose one of --columns and --all-columns');
    const { folders, looked } = runFolders(args.positionals);
    const where = looked.map((f) => relative(process.cwd(), f) || '.').join(', ');
    const { rows, problems } = loadRows(folders);
    for (const p of problems) process.stderr.write(`${p}\n`);
    if (rows.length === 0) {
      if (args.booleans.has('json')) process.stdout.write(viewAsJson(buildView([])));
      else if (!args.booleans.has('csv')) process.stdout.write(`no runs yet: looked in ${where}. Start one with \`contrastive-lab train <spec>\`, or name the folder: \`contrastive-lab runs <runs-folder>\`.\n`);
      return 0;
    }
    let query;
    try {
      query = parseViewQuery(rows, args.lists.get('filter') ?? [], args.values.get('sort'));
    } catch (e) {
      // A filter error carries its own caret lines: keep them below the message.
      throw new UsageError(e instanceof FilterError ? e.message : (e as Error).message);
    }
    let view;
    try {
      view = buildView(rows, { ...query, columns: columns?.split(',').map((c) => c.trim()).filter((c) => c !== ''), allColumns: args.booleans.has('all-columns') });
    } catch (e) {
      throw new UsageError(`--columns: ${(e as Error).message}`);
    }
    const items = group === 'sweep' ? groupBySweep(view.rows, rows, query.sort) : undefined;
    if (args.booleans.has('json')) process.stdout.write(viewAsJson(view, items));
    else if (args.booleans.has('csv')) process.stdout.write(viewAsCsv(view));
    else {
      const changed = view.columns.filter((c) => c.kind === 'param').length;
      const sorted = query.sort.length > 0 ? `, sorted by ${formatSort(query.sort)}` : '';
      process.stdout.write(`${view.rows.length === view.total ? view.total : `${view.rows.length} of ${view.total}`} runs in ${where}${sorted}; ${columns === undefined && !args.booleans.has('all-columns') ? `${plural(changed, 'parameter')} differ${changed === 1 ? 's' : ''}` : plural(view.columns.length, 'column')}\n`);
      if (view.rows.length > 0) process.stdout.write(items === undefined ? viewAsText(view) : viewAsGroupedText(view, items, (p) => relative(process.cwd(), p) || p));
    }
    return 0;
  },
};
