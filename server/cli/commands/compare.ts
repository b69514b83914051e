// `contrastive-lab compare <run> <run>...`: what differs between some runs — every spec parameter
// whose value is not the same in all of them — and their results side by side, each with its
// change against the first run.
import { basename } from 'node:path';
import { RunReader } from '../../runs/reader';
import { allColumns, type TableRow } from '../../runs/table/columns';
import { formatCell, formatDelta } from '../../runs/table/format';
import { RunEntries } from '../../runs/table/entries';
import { SUMMARY_TAIL_BYTES } from '../../runs/table/load';
import { textTable } from '../../runs/table/output';
import { isChanged } from '../../runs/table/view';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { resolveRunDirs } from '../runFolders';

const usage = `Usage: contrastive-lab compare <run> <run>... [--json]

Prints the spec parameters that differ between the runs (dotted paths, one column per run) and
their results — kNN, best kNN, linear probe, P@1, R@k, MAP@R, final loss, collapse std, wall time,
samples/s — each with its change against the first run (percentage points for accuracies).
A run is a run folder, or a run id / folder name found in ./runs and the specs' output folders.

Options:
  --json       {runs: [dir...], parameters: [{key, values}], results: [{key, values, deltas}]}
  --help       show this help

Exit codes: 0 compared, 1 a run cannot be found or read, 2 wrong usage (fewer than two runs).`;

export const compareCommand: Command = {
  usage,
  async run(argv: readonly string[]): Promise<number> {
    const args = parseArgs(argv, { booleans: ['json'] });
    if (args.positionals.length < 2) throw new UsageError(`compare needs at least two runs, got ${args.positionals.length}`);
    const dirs = [...new Set(resolveRunDirs(args.positionals))];
    if (dirs.length < 2) throw new UsageError('compare needs two different runs; the ones named are the same run');
    // Only the named runs are read (a damaged run.json stops here, naming the file).
    const entries = new RunEntries((problem) => process.stderr.write(`${problem}\n`));
    const rows = dirs.map((dir) => entries.row(dir, new RunReader(dir, { metricsTailBytes: SUMMARY_TAIL_BYTES }).read()));
    const columns = allColumns(rows);
    const params = columns.filter((c) => c.kind === 'param' && isChanged(rows, c.key));
    const results = columns.filter((c) => c.kind === 'result');
    const base = rows[0]!;
    const delta = (row: TableRow, key: string): number | undefined => {
      const x = row.cells.get(key);
      const y = base.cells.get(key);
      return row !== base && typeof x === 'number' && typeof y === 'number' ? x - y : undefined;
    };
    if (args.booleans.has('json')) {
      process.stdout.write(JSON.stringify({
        runs: rows.map((r) => r.dir),
        parameters: params.map((c) => ({ key: c.key, values: rows.map((r) => r.cells.get(c.key) ?? null) })),
        results: results.map((c) => ({ key: c.key, values: rows.map((r) => r.cells.get(c.key) ?? null), deltas: rows.map((r) => delta(r, c.key) ?? null) })),
      }, null, 2) + '\n');
      return 0;
    }
    const header = ['', ...rows.map((r) => String(r.cells.get('name') ?? basename(r.dir)))];
    const lines: string[][] = [['status', ...rows.map((r) => String(r.cells.get('status')))]];
    lines.push([params.length === 0 ? 'PARAMETERS: all the same' : `PARAMETERS that differ (${params.length})`, ...rows.map(() => '')]);
    for (const c of params) lines.push([`  ${c.key}`, ...rows.map((r) => formatCell(c, r.cells.get(c.key)) || '(absent)')]);
    lines.push([`RESULTS (change against ${header[1]})`, ...rows.map(() => '')]);
    for (const c of results) {
      lines.push([`  ${c.title}`, ...rows.map((r) => {
        const text = formatCell(c, r.cells.get(c.key)) || '-';
        const d = delta(r, c.key);
        return d === undefined ? text : `${text} (${formatDelta(c, d)})`;
      })]);
    }
    process.stdout.write(textTable(header, lines));
    return 0;
  },
};
