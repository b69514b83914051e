// `contrastive-lab conformance <fixture-folder> [--backend …] [--verbose]`: checks the contrastive
// library (distances, losses, miners) against a folder of float64 reference fixtures.
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { BACKEND_REQUESTS, isBackendRequest } from '../../contrastive/backend.decl';

export const conformanceCommand: Command = {
  usage: [
    `Usage: contrastive-lab conformance <fixture-folder> [--backend ${BACKEND_REQUESTS.join('|')}] [--verbose]`,
    '',
    'Runs every *.json fixture in the folder (format: test/fixtures/reference/README.md) on the chosen',
    'tensor backend: loss values, gradients with respect to every input, distance matrices and their',
    'gradients, mined tuples. Prints one line per failure with the largest deviation and where it is,',
    'then `N passed, M failed`.',
    '',
    'Options:',
    '  --backend   tensor backend (default auto; CONTRASTIVE_LAB_BACKEND overrides it)',
    '  --verbose   also list the fixtures that pass',
    '  --help      show this help',
    '',
    'Exit status: 0 when every fixture passes, 1 when any fails, 2 for bad usage.',
  ].join('\n'),
  async run(argv) {
    const args = parseArgs(argv, { booleans: ['verbose'], values: ['backend'] });
    const [dir, ...extra] = args.positionals;
    if (dir === undefined) throw new UsageError('Name the folder of fixtures, e.g. `contrastive-lab conformance test/fixtures/reference`.');
    if (extra.length > 0) throw new UsageError(`Give one fixture folder (got ${args.positionals.length}: ${args.positionals.join(', ')}).`);
    const backend = args.values.get('backend') ?? 'auto';
    if (!isBackendRequest(backend)) throw new UsageError(`--backend must be one of ${BACKEND_REQUESTS.join(', ')} (got "${backend}").`);
    // Loaded here, not at the top: the conformance runner pulls in tfjs (see train.ts).
    const { checkFolder } = await import('../../contrastive/conformance/main');
    return checkFolder(dir, backend, args.booleans.has('verbose'), (line) => process.stdout.write(`${line}\n`));
  },
};
