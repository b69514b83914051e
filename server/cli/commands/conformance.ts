// `contrastive-lab conformance <fixture-folder> [--engine tfjs|pytorch] [--backend …] [--verbose]`:
// checks an engine's distances, losses and miners against a folder of float64 reference fixtures.
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { BACKEND_REQUESTS, isBackendRequest } from '../../contrastive/backend.decl';
import { ENGINES, isEngine } from '../../contrastive/declare';

export const conformanceCommand: Command = {
  usage: [
    `Usage: contrastive-lab conformance <fixture-folder> [--engine ${ENGINES.join('|')}] [--backend ${BACKEND_REQUESTS.join('|')}] [--verbose]`,
    '',
    'Runs every *.json fixture in the folder (format: test/fixtures/reference/README.md) on the chosen',
    'engine: loss values, gradients with respect to every input, distance matrices and their',
    'gradients, mined tuples. Prints one line per failure with the largest deviation and where it is,',
    'then `N passed, M failed`.',
    '',
    'Options:',
    '  --engine    tfjs (default: the library on a TensorFlow.js backend) or pytorch (the PyTorch',
    '              engine\'s Python package in float64, on the interpreter of CONTRASTIVE_LAB_PYTHON,',
    '              else /usr/bin/python3, else python3)',
    '  --backend   tensor backend of the tfjs engine (default auto; CONTRASTIVE_LAB_BACKEND overrides it)',
    '  --verbose   also list the fixtures that pass',
    '  --help      show this help',
    '',
    'Exit status: 0 when every fixture passes, 1 when any fails, 2 for bad usage.',
  ].join('\n'),
  async run(argv) {
    const args = parseArgs(argv, { booleans: ['verbose'], values: ['backend', 'engine'] });
    const [dir, ...extra] = args.positionals;
    if (dir === undefined) throw new UsageError('Name the folder of fixtures, e.g. `contrastive-lab conformance test/fixtures/reference`.');
    if (extra.length > 0) throw new UsageError(`Give one fixture folder (got ${args.positionals.length}: ${args.positionals.join(', ')}).`);
    const engine = args.values.get('engine') ?? 'tfjs';
    if (!isEngine(engine)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')} (got "${engine}").`);
    if (engine === 'pytorch') {
      if (args.values.has('backend')) throw new UsageError('--backend chooses a TensorFlow.js backend; it does not apply to --engine pytorch (which computes in float64 with torch).');
      const { checkFolderOnPyTorch } = await import('../../trainer/engines/pytorchConformance');
      return checkFolderOnPyTorch(dir, args.booleans.has('verbose'), (line) => process.stdout.write(`${line}\n`));
    }
    const backend = args.values.get('backend') ?? 'auto';
    if (!isBackendRequest(backend)) throw new UsageError(`--backend must be one of ${BACKEND_REQUESTS.join(', ')} (got "${backend}").`);
    // Loaded here, not at the top: the conformance runner pulls in tfjs (see train.ts).
    const { checkFolder } = await import('../../contrastive/conformance/main');
    return checkFolder(dir, backend, args.booleans.has('verbose'), (line) => process.stdout.write(`${line}\n`));
  },
};
