// `contrastive-lab resume <run-dir>`: continue a stopped, interrupted or failed run from its last checkpoint.
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { backendArg, deviceArg, processesArg, threadsArg } from '../options';
import { exitCodeFor, modeFor, printOutcome, RUN_EXIT_CODES } from '../outcome';
import { formatDuration } from '../../trainer/progress';
import { createStopSignal } from '../../trainer/stop';

export const resumeCommand: Command = {
  usage: `Usage: contrastive-lab resume <run-dir> [options]

Continues a stopped, interrupted (its process died) or failed run from its last checkpoint,
with the spec recorded in the run's spec.json. With a fixed seed the result is the same as a run
that never stopped. Metric lines written after that checkpoint are dropped and redone.
A run trained on the PyTorch engine (run.json engine: pytorch) continues on PyTorch.

Options:
  --backend NAME     auto | tensorflow | wasm | cpu (default: the run's run.backend)
  --threads N        kernel threads on the wasm backend (torch's on pytorch), 0 = every core (default: the run's run.threads)
  --processes N      pytorch: continue on N processes (any count: a checkpoint of 2 resumes on 1 and back;
                     default: the run's run.processes)
  --device D         pytorch: auto | cpu | cuda | cuda:N | mps (default: the run's run.device)
  --json             one JSON line per metric and event on stdout
  --no-umap          skip the UMAP projection of the final embeddings
  --help             show this help

${RUN_EXIT_CODES}`,
  async run(argv) {
    const args = parseArgs(argv, { booleans: ['json', 'no-umap'], values: ['backend', 'threads', 'processes', 'device'] });
    if (args.positionals.length !== 1) throw new UsageError('Name exactly one run directory, e.g. `contrastive-lab resume runs/20260101-120000-quickstart`.');
    const mode = modeFor(args.booleans.has('json'));
    const stop = createStopSignal(true);
    const started = Date.now();
    try {
      const runDir = args.positionals[0]!;
      const threads = threadsArg(args.values.get('threads'));
      const processes = processesArg(args.values.get('processes'));
      const device = deviceArg(args.values.get('device'));
      const { isPyTorchRun, resumeWithPyTorch, PythonEngineError } = await import('../../trainer/engines/pytorch');
      let outcome;
      if (isPyTorchRun(runDir)) {
        try {
          outcome = await resumeWithPyTorch(runDir, { mode, stop, umap: !args.booleans.has('no-umap'), threads, python: null, ...(processes !== null ? { processes } : {}), ...(device !== null ? { device } : {}) });
        } catch (e) {
          if (!(e instanceof PythonEngineError)) throw e;
          process.stderr.write(`${runDir}: ${e.message}\n`);
          return 1;
        }
      } else if (processes !== null && processes > 1) {
        process.stderr.write(`${runDir}: --processes ${processes}: this run trains on the TensorFlow.js engine, which trains in one process; several processes are for runs on the PyTorch engine (run.engine: pytorch).\n`);
        return 1;
      } else if (device !== null && device !== 'auto' && device !== 'cpu') {
        process.stderr.write(`${runDir}: --device ${device}: this run trains on the TensorFlow.js engine, which trains on the CPU; GPUs are for runs on the PyTorch engine (run.engine: pytorch).\n`);
        return 1;
      } else {
        // Loaded here, not at the top: the trainer pulls in tfjs (see train.ts).
        const { resumeRun } = await import('../../trainer/start');
        outcome = await resumeRun(runDir, { mode, backend: backendArg(args.values.get('backend')), threads, stop, umap: !args.booleans.has('no-umap') });
      }
      if (mode !== 'json') printOutcome(outcome, formatDuration((Date.now() - started) / 1000));
      return exitCodeFor(outcome);
    } finally {
      stop.dispose();
    }
  },
};
