// `contrastive-lab list [dir]`: the runs in a folder with status, best kNN accuracy and duration.
import { resolve } from 'node:path';
import { listRuns } from '../../runs/list';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { formatDuration } from '../../trainer/progress';

const usage = `Usage: contrastive-lab list [runs-folder] [--json]

Lists the run directories in runs-folder (default: ./runs), newest first, with their status
(queued, running, completed, failed, stopped, or interrupted when the trainer process is gone),
best kNN accuracy and duration.

Options:
  --json       one JSON object per run on stdout
  --help       show this help

Exit codes: 0 listed (also when there are no runs), 2 wrong usage.`;

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export const listCommand: Command = {
  name: 'list',
  summary: 'List runs with status, best kNN accuracy and duration.',
  usage,
  async run(argv: readonly string[]): Promise<number> {
    const args = parseArgs(argv, { booleans: ['json'] });
    if (args.positionals.length > 1) throw new UsageError('list takes at most one folder');
    const root = resolve(args.positionals[0] ?? 'runs');
    const { runs, skipped } = listRuns(root);
    if (args.booleans.has('json')) {
      for (const r of runs) {
        process.stdout.write(JSON.stringify({ id: r.record.id, dir: r.dir, name: r.record.name, status: r.status, bestKnnAccuracy: r.bestKnnAccuracy, durationSec: r.durationSec, epoch: r.record.epoch, epochs: r.record.epochs, createdAt: r.record.createdAt, backend: r.record.backend }) + '\n');
      }
    } else if (runs.length === 0) {
      process.stdout.write(`no runs in ${root}; start one with \`contrastive-lab train <spec>\`\n`);
    } else {
      const rows = runs.map((r) => [r.record.id, r.status, r.bestKnnAccuracy === null ? '-' : `${(r.bestKnnAccuracy * 100).toFixed(2)}%`, r.durationSec === null ? '-' : formatDuration(r.durationSec), `${r.record.epoch}/${r.record.epochs}`]);
      const header = ['RUN', 'STATUS', 'BEST kNN', 'DURATION', 'EPOCHS'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)) + 2);
      process.stdout.write([header, ...rows].map((row) => row.map((c, i) => pad(c, widths[i]!)).join('').trimEnd()).join('\n') + '\n');
    }
    for (const s of skipped) process.stderr.write(`skipped ${s.dir}: ${s.reason}\n`);
    return 0;
  },
};
