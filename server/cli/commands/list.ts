// `contrastive-lab list [dir]`: the runs in a folder with status, best kNN accuracy and duration.
import { specialFileKind, unreachableCause } from '../../shared/files';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { NO_ANNOTATIONS, readAnnotations, type Annotations } from '../../runs/annotations';
import { runErrorKind } from '../../runs/learning';
import { compareRunsNewestFirst, listRuns } from '../../runs/list';
import type { RunSummary } from '../../runs/reader';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { formatDuration } from '../../trainer/progress';

const usage = `Usage: contrastive-lab list [runs-folder] [--json]

Lists the run directories in runs-folder, newest first, with their status (queued, running,
completed, failed, stopped, or interrupted when the trainer process is gone), best kNN accuracy
and duration; a failed run gets a second line saying why. Starred runs are marked ★, with their
tags and the first line of their notes (\`contrastive-lab runs star|note|tag\` sets them). Without
a folder, lists ./runs and the folders where \`train\` puts the runs of the specs here and one
folder down (each spec's run.outputDir, default runs/ next to the spec).

Options:
  --json       one JSON object per run on stdout
  --help       show this help

Exit codes: 0 listed (also when there are no runs yet), 1 the named folder does not exist or
cannot be read, 2 wrong usage.`;

/** Where \`train\` puts runs of the specs in the working folder and one level down, plus ./runs. */
export function defaultRunFolders(cwd: string): string[] {
  const folders = [resolve(cwd, 'runs')];
  const specs: string[] = [];
  const scan = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith('.contrastive.yaml')) specs.push(join(dir, e.name));
      else if (depth > 0 && e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') scan(join(dir, e.name), depth - 1);
    }
  };
  scan(cwd, 1);
  for (const spec of specs.sort()) {
    let outputDir = 'runs';
    try {
      if (specialFileKind(spec) !== null) continue;
      const m = /^\s+outputDir:\s*['"]?([^'"#\s]+)/m.exec(readFileSync(spec, 'utf8'));
      if (m) outputDir = m[1]!;
    } catch {
      // unreadable spec: its default folder is still worth a look
    }
    const folder = resolve(dirname(spec), outputDir);
    if (!folders.includes(folder)) folders.push(folder);
  }
  return folders;
}

export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export const listCommand: Command = {
  usage,
  async run(argv: readonly string[]): Promise<number> {
    const args = parseArgs(argv, { booleans: ['json'] });
    if (args.positionals.length > 1) throw new UsageError('list takes at most one folder');
    const named = args.positionals[0];
    let roots: string[];
    if (named !== undefined) {
      const root = resolve(named);
      if (!existsSync(root)) {
        const cause = unreachableCause(root);
        if (cause !== null) process.stderr.write(`contrastive-lab list: ${root}: cannot be opened: ${cause}.\n`);
        else process.stderr.write(`contrastive-lab list: ${root}: no such folder; name the folder that holds your run directories (\`train\` writes them to run.outputDir next to the spec, default runs/).\n`);
        return 1;
      }
      if (!isFolder(root)) {
        process.stderr.write(`contrastive-lab list: ${root}: is a file, not a folder of runs.\n`);
        return 1;
      }
      roots = [root];
    } else {
      const looked = defaultRunFolders(process.cwd());
      roots = looked.filter(isFolder);
      if (roots.length === 0) {
        const shown = looked.map((f) => relative(process.cwd(), f) || '.').join(', ');
        process.stdout.write(`no runs yet: looked in ${shown}. Start one with \`contrastive-lab train <spec>\`, or name the folder: \`contrastive-lab list <runs-folder>\`.\n`);
        return 0;
      }
    }
    const runs: RunSummary[] = [];
    const skipped: { dir: string; reason: string }[] = [];
    for (const root of roots) {
      try {
        const found = listRuns(root);
        runs.push(...found.runs);
        skipped.push(...found.skipped);
      } catch (e) {
        process.stderr.write(`contrastive-lab list: ${root}: cannot be read: ${(e as Error).message}\n`);
        return 1;
      }
    }
    runs.sort(compareRunsNewestFirst);
    // The user's star, tags and notes (annotations.json, written by `runs star|note|tag` and the Experiments table).
    const annotations = new Map(runs.map((r) => {
      try {
        return [r.dir, readAnnotations(r.dir)] as const;
      } catch (e) {
        process.stderr.write(`${(e as Error).message}\n`);
        return [r.dir, NO_ANNOTATIONS] as const;
      }
    }));
    const noted = (r: RunSummary): Annotations => annotations.get(r.dir) ?? NO_ANNOTATIONS;
    // One level of brackets: "failed (NaN at step 3, epoch 1)".
    const statusWithProblem = (r: RunSummary): string => (r.learning === null ? r.status : `${r.status} (${r.learning.inlineLabel})`);
    const reason = (r: RunSummary): string | null => (r.status === 'failed' && r.record.error ? `failed at ${r.record.error.where}: ${r.record.error.message.split('\n')[0]}` : null);
    if (args.booleans.has('json')) {
      for (const r of runs) {
        process.stdout.write(JSON.stringify({ id: r.record.id, dir: r.dir, name: r.record.name, star: noted(r).star, tags: noted(r).tags, notes: noted(r).notes, status: r.status, bestKnnAccuracy: r.bestKnnAccuracy, durationSec: r.durationSec, epoch: r.record.epoch, epochs: r.record.epochs, createdAt: r.record.createdAt, backend: r.record.backend, error: r.record.error ? { ...r.record.error, kind: runErrorKind(r.record.error) } : null, learning: r.learning?.label ?? null }) + '\n');
      }
    } else if (runs.length === 0) {
      process.stdout.write(`no runs in ${roots.join(', ')}; start one with \`contrastive-lab train <spec>\`\n`);
    } else {
      if (named === undefined) process.stdout.write(`runs in ${roots.map((r) => relative(process.cwd(), r) || '.').join(', ')}\n`);
      const starred = runs.some((r) => noted(r).star);
      const tagged = runs.some((r) => noted(r).tags.length > 0);
      const rows = runs.map((r) => [
        `${starred ? (noted(r).star ? '★ ' : '  ') : ''}${r.record.id}`, statusWithProblem(r), r.bestKnnAccuracy === null ? '-' : `${(r.bestKnnAccuracy * 100).toFixed(2)}%`, r.durationSec === null ? '-' : formatDuration(r.durationSec), `${r.record.epoch}/${r.record.epochs}`,
        ...(tagged ? [noted(r).tags.join(', ')] : []),
      ]);
      const header = [`${starred ? '  ' : ''}RUN`, 'STATUS', 'BEST kNN', 'DURATION', 'EPOCHS', ...(tagged ? ['TAGS'] : [])];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)) + 2);
      const lines = [header.map((c, i) => pad(c, widths[i]!)).join('').trimEnd()];
      runs.forEach((r, i) => {
        lines.push(rows[i]!.map((c, j) => pad(c, widths[j]!)).join('').trimEnd());
        const why = reason(r);
        if (why !== null) lines.push(`  ↳ ${why}`);
        if (r.learning !== null && r.status !== 'failed') lines.push(`  ↳ learned nothing useful: ${r.learning.message}`);
        const notes = noted(r).notes.split('\n')[0]!;
        if (notes !== '') lines.push(`  ↳ notes: ${notes.length > 100 ? `${notes.slice(0, 99)}…` : notes}`);
      });
      process.stdout.write(lines.join('\n') + '\n');
    }
    for (const s of skipped) process.stderr.write(`skipped a damaged run: ${s.reason.startsWith(s.dir) ? s.reason : `${s.dir}: ${s.reason}`}\n`);
    return 0;
  },
};
