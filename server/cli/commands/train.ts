// `contrastive-lab train <spec>`: validate, create runs/<run-id>/, train, write embeddings.
import { readFileSync, statSync } from 'node:fs';
import type { EngineProcess } from '../../trainer/engines/engineProcess';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { backendArg, deviceArg, engineArg, positiveInt, processesArg, threadsArg } from '../options';
import { exitCodeFor, modeFor, printOutcome, RUN_EXIT_CODES } from '../outcome';
import { tfjsPlacementProblems } from '../../spec/placement';
import { formatDuration } from '../../trainer/progress';
import { createStopSignal } from '../../trainer/stop';
import { checkSpecForTrainingNow, printProblems, withOverrides } from '../trainSpec';

/** Whether the spec file's text sets run.engine: pytorch (a guess made before the spec is parsed; the check decides). */
function asksForPyTorch(specPath: string): boolean {
  try {
    // A FIFO or a device would block the read: only a regular file is guessed at.
    return statSync(specPath).isFile() && /^\s*engine:\s*["']?pytorch\b/m.test(readFileSync(specPath, 'utf8'));
  } catch {
    return false; // the check says what is wrong with the file
  }
}

export const trainCommand: Command = {
  usage: `Usage: contrastive-lab train <spec> [options]

Validates the spec (same messages as \`validate\`), creates <outputDir>/<run-id>/ and trains.
Ctrl-C (SIGINT) or SIGTERM finishes the current step, saves a checkpoint and marks the run
stopped; continue it with \`contrastive-lab resume <run-dir>\`.

Options:
  --out DIR          folder for run directories (default: run.outputDir next to the spec)
  --epochs N         train N epochs instead of strategy.epochs
  --limit N          use at most N samples (overrides data.limit)
  --engine NAME      tfjs | pytorch: the engine that trains (default: run.engine); pytorch runs a
                     Python with torch >= 1.13 (env CONTRASTIVE_LAB_PYTHON, else /usr/bin/python3 or python3)
  --backend NAME     auto | tensorflow | wasm | cpu (default: run.backend)
  --threads N        kernel threads on the wasm backend (torch's on pytorch, shared by the processes),
                     0 = every core (default: run.threads)
  --processes N      pytorch: N processes train together (DistributedDataParallel through torchrun,
                     else the env:// variables); the batch size is the global batch (default: run.processes)
  --device D         pytorch: auto | cpu | cuda | cuda:N | mps (default: run.device)
  --json             one JSON line per metric and event on stdout (for programs)
  --no-umap          skip the UMAP projection of the final embeddings (faster on large data)
  --help             show this help

${RUN_EXIT_CODES}`,
  async run(argv) {
    const args = parseArgs(argv, { booleans: ['json', 'no-umap'], values: ['out', 'epochs', 'limit', 'engine', 'backend', 'threads', 'processes', 'device'] });
    if (args.positionals.length !== 1) throw new UsageError('Name exactly one spec file, e.g. `contrastive-lab train examples/quickstart.contrastive.yaml`.');
    const specPath = args.positionals[0]!;
    const epochs = args.values.has('epochs') ? positiveInt(args.values.get('epochs'), '--epochs', 1) : undefined;
    const limit = args.values.has('limit') ? positiveInt(args.values.get('limit'), '--limit', 1) : undefined;
    const engine = engineArg(args.values.get('engine'));
    const backend = backendArg(args.values.get('backend'));
    const threads = threadsArg(args.values.get('threads'));
    const processes = processesArg(args.values.get('processes'));
    const device = deviceArg(args.values.get('device'));
    const mode = modeFor(args.booleans.has('json'));
    // The PyTorch engine imports torch for about a second: started while the spec is checked when the
    // command line or the spec's text asks for it (the spec decides; an engine not used is closed).
    const early = engine === 'pytorch' || (engine === null && asksForPyTorch(specPath)) ? (await import('../../trainer/engines/pytorch')).startEngineEarly(null) : null;
    try {
      return await trainChecked(specPath, args, { epochs, limit, engine, backend, threads, processes, device, mode }, early);
    } finally {
      early?.close(); // its input ends (a no-op once the run has it): an engine left unused exits
    }
  },
};

async function trainChecked(
  specPath: string,
  args: ReturnType<typeof parseArgs>,
  o: { epochs: number | undefined; limit: number | undefined; engine: ReturnType<typeof engineArg>; backend: ReturnType<typeof backendArg>; threads: ReturnType<typeof threadsArg>; processes: ReturnType<typeof processesArg>; device: ReturnType<typeof deviceArg>; mode: ReturnType<typeof modeFor> },
  early: EngineProcess | null,
): Promise<number> {
  const { epochs, limit, engine, backend, threads, processes, device, mode } = o;
  const check = checkSpecForTrainingNow(specPath);
  printProblems(check.problems, (line) => process.stderr.write(line + '\n'));
  if (!check.ok) {
    process.stderr.write(`${specPath}: the spec has errors; fix them and train again (\`contrastive-lab validate ${specPath}\` lists them).\n`);
    return 1;
  }
  const stop = createStopSignal(true);
  const started = Date.now();
  try {
    const spec = withOverrides(check.spec, { ...(epochs !== undefined ? { epochs } : {}), ...(limit !== undefined ? { limit } : {}), ...(engine !== null ? { engine } : {}), ...(processes !== null ? { processes } : {}), ...(device !== null ? { device } : {}) });
    if (spec.run.engine !== 'pytorch') early?.close(); // guessed from the text, but the spec trains on tfjs
    const placement = tfjsPlacementProblems(spec.run);
    if (placement.length > 0) {
      for (const p of placement) process.stderr.write(`${specPath}: ${p.message}\n`);
      return 1;
    }
    const run = { spec, specPath, specText: check.text, outRoot: args.values.get('out') ?? null };
    const onCreated = (dir: string): void => {
      if (mode !== 'json') process.stdout.write(`run directory: ${dir}\n`);
    };
    let outcome;
    if (spec.run.engine === 'pytorch') {
      const { trainWithPyTorch, PythonEngineError } = await import('../../trainer/engines/pytorch');
      try {
        outcome = await trainWithPyTorch(run, { mode, stop, umap: !args.booleans.has('no-umap'), threads, python: null, processes: spec.run.processes, device: spec.run.device, ...(early !== null ? { engine: early } : {}) }, onCreated);
      } catch (e) {
        // No torch, or an ingredient the engine lacks: said before any run directory exists.
        if (!(e instanceof PythonEngineError)) throw e;
        process.stderr.write(`${specPath}: ${e.message}\n`);
        return 1;
      }
    } else {
      // Loaded here, not at the top: the trainer pulls in tfjs, which `--help`, `validate` and the PyTorch engine's runs must not pay for.
      const { trainNewRun } = await import('../../trainer/start');
      outcome = await trainNewRun(run, { mode, backend, threads, stop, umap: !args.booleans.has('no-umap') }, onCreated);
    }
    if (mode !== 'json') printOutcome(outcome, formatDuration((Date.now() - started) / 1000));
    return exitCodeFor(outcome);
  } finally {
    stop.dispose();
  }
}
