// `contrastive-lab validate <files…> [--json]`: runs the spec pipeline on each file and prints
// `file:line:col: severity rule-id message` per problem. Exit 1 when any error is found.
import { relative } from 'node:path';
import { checkSpecFile } from '../../spec/check';
import { probeDatasetOnDisk } from '../../spec/dataset';
import { formatProblem } from '../../spec/format';
import type { SpecProblem } from '../../spec/problems';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check spec files: syntax, schema and semantic rules, with located messages.',
  usage: [
    'Usage: contrastive-lab validate <spec files…> [--json]',
    '',
    'Checks each experiment spec (*.contrastive.yaml, .yml or .json) and prints one line per problem:',
    '  file:line:col: severity rule-id message',
    'followed by a summary. Data paths are checked relative to each spec file.',
    '',
    'Options:',
    '  --json    print a JSON array of problems (with ranges, paths and fixes) instead',
    '  --help    show this help',
    '',
    'Exit status: 0 when no file has errors (warnings are allowed), 1 when any has, 2 for bad usage.',
  ].join('\n'),
  async run(argv) {
    const args = parseArgs(argv, { booleans: ['json'] });
    if (args.positionals.length === 0) throw new UsageError('Name at least one spec file, e.g. `contrastive-lab validate examples/*.contrastive.yaml`.');
    const all: SpecProblem[] = [];
    for (const file of args.positionals) {
      const { problems } = checkSpecFile(file, { datasetInfo: probeDatasetOnDisk });
      all.push(...problems.map((p) => ({ ...p, file: relative(process.cwd(), p.file) || p.file })));
    }
    const errors = all.filter((p) => p.severity === 'error').length;
    if (args.booleans.has('json')) {
      process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    } else {
      for (const problem of all) process.stdout.write(`${formatProblem(problem)}\n`);
      const warnings = all.filter((p) => p.severity === 'warning').length;
      const files = args.positionals.length;
      const failing = new Set(all.filter((p) => p.severity === 'error').map((p) => p.file)).size;
      process.stdout.write(`${files} file${files === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${failing ? ` in ${failing} file${failing === 1 ? '' : 's'}` : ''}.\n`);
    }
    return errors > 0 ? 1 : 0;
  },
};
