// `contrastive-lab validate <files…> [--json]`: runs the spec pipeline on each file and prints
// `file:line:col: severity rule-id message` per problem. Exit 1 when any error is found.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkSpecFile, type CheckResult } from '../../spec/check';
import { probeDatasetOnDisk } from '../../spec/dataset';
import { applyEdits } from '../../spec/edits';
import { formatProblem } from '../../spec/format';
import type { SpecProblem, TextEdit } from '../../spec/problems';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';

const MAX_FIX_ROUNDS = 5;

export const validateCommand: Command = {
  usage: [
    'Usage: contrastive-lab validate <spec files or folders…> [--json] [--fix]',
    '',
    'Checks each experiment spec (*.contrastive.yaml, .yml or .json) and prints one line per problem:',
    '  file:line:col: severity rule-id message',
    'followed by a summary. Data paths are checked relative to each spec file. A folder stands for',
    'every *.contrastive.yaml/.yml/.json file under it.',
    '',
    'Options:',
    '  --json    print a JSON array of problems (with ranges, paths and fixes) instead',
    '  --fix     apply each problem\'s first suggested fix to the file, then report what remains',
    '  --help    show this help',
    '',
    'Exit status: 0 when no file has errors (warnings are allowed), 1 when any has, 2 for bad usage.',
  ].join('\n'),
  async run(argv) {
    const args = parseArgs(argv, { booleans: ['json', 'fix'] });
    if (args.positionals.length === 0) throw new UsageError('Name at least one spec file, e.g. `contrastive-lab validate examples/*.contrastive.yaml`.');
    const all: SpecProblem[] = [];
    const files = args.positionals.flatMap(expandFolder);
    for (const file of files) {
      let result = checkSpecFile(file, { datasetInfo: probeDatasetOnDisk });
      if (args.booleans.has('fix')) {
        // Fixing a schema error can reveal rule problems (rules run on schema-valid specs): repeat a few rounds.
        let applied = 0;
        for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
          const fixed = applyFirstFixes(result);
          if (fixed.count === 0) break;
          writeFileSync(file, fixed.text);
          applied += fixed.count;
          result = checkSpecFile(file, { datasetInfo: probeDatasetOnDisk });
        }
        if (applied > 0) process.stderr.write(`${relative(process.cwd(), file) || file}: applied ${applied} fix${applied === 1 ? '' : 'es'}\n`);
      }
      const { problems } = result;
      all.push(...problems.map((p) => ({ ...p, file: relative(process.cwd(), p.file) || p.file })));
    }
    const errors = all.filter((p) => p.severity === 'error').length;
    if (args.booleans.has('json')) {
      process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    } else {
      for (const problem of all) process.stdout.write(`${formatProblem(problem)}\n`);
      const warnings = all.filter((p) => p.severity === 'warning').length;
      const failing = new Set(all.filter((p) => p.severity === 'error').map((p) => p.file)).size;
      process.stdout.write(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${failing ? ` in ${failing} file${failing === 1 ? '' : 's'}` : ''}.\n`);
    }
    return errors > 0 ? 1 : 0;
  },
};

const SPEC_FILE = /\.contrastive\.(ya?ml|json)$/i;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'runs', 'dist']);

/** A folder argument stands for the spec files under it; anything else is checked as given. */
function expandFolder(path: string): string[] {
  let isFolder = false;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    return [path]; // checkSpecFile reports the missing file
  }
  if (!isFolder) return [path];
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory() && depth < 6 && !SKIPPED_FOLDERS.has(entry.name)) walk(full, depth + 1);
      else if (entry.isFile() && SPEC_FILE.test(entry.name)) found.push(full);
    }
  };
  walk(path, 0);
  if (found.length === 0) throw new UsageError(`No spec files (*.contrastive.yaml, .yml or .json) in the folder ${path}.`);
  return found.sort();
}

/** The first fix of every problem whose edits do not overlap an earlier chosen fix. */
function applyFirstFixes(result: CheckResult): { text: string; count: number } {
  const chosen: TextEdit[] = [];
  const span = (e: TextEdit): [number, number] => [result.document.offsetAt(e.range.start), result.document.offsetAt(e.range.end)];
  let count = 0;
  for (const problem of result.problems) {
    const edits = problem.fixes[0]?.edits;
    if (!edits) continue;
    const overlaps = edits.some((e) => chosen.some((c) => {
      const [a0, a1] = span(e);
      const [b0, b1] = span(c);
      return (a0 < b1 && b0 < a1) || a0 === b0;
    }));
    if (overlaps) continue;
    chosen.push(...edits);
    count++;
  }
  return { text: applyEdits(result.document, result.document.text, chosen), count };
}
