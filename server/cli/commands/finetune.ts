// `contrastive-lab finetune <run> --labels 1%`: the seed's claim as two runs — a classifier
// fine-tuned from a pretrained run against the same classifier from scratch, on the same labels.
import { relative } from 'node:path';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { backendArg, positiveInt, threadsArg } from '../options';
import { modeFor } from '../outcome';
import { printProblems } from '../trainSpec';
import { createStopSignal } from '../../trainer/stop';
import type { FinetuneReport, FinetuneRun } from '../../trainer/finetune';

const DEFAULTS = { epochs: 60, batchSize: 16, learningRate: 0.003 };

export const finetuneCommand: Command = {
  usage: `Usage: contrastive-lab finetune <run-dir> --labels <fraction> [options]

Trains two classifiers (loss crossEntropy, a linear head on the representation) on the same
labelled fraction of the pretrained run's training split (stratified, seeded by its split seed):
one starts from the run's backbone and representation (init.from), the other from scratch, with
the same seed, data, augmentation and schedule. Both are ordinary run directories (next to the
pretrained run unless --out); their specs are written to <runs>/.finetune/. Prints the held-out
accuracy of both side by side.

Options:
  --labels F         the labelled fraction: 1%, 0.5%, 10% or 0.01 (required)
  --epochs N         epochs of each classifier (default ${DEFAULTS.epochs})
  --batch-size N     batch size (default ${DEFAULTS.batchSize}; at most the labelled samples)
  --lr X             Adam learning rate (default ${DEFAULTS.learningRate})
  --freeze           keep the pretrained parts fixed (a linear probe) instead of fine-tuning them
  --out DIR          folder for the two run directories (default: the pretrained run's folder)
  --backend NAME     auto | tensorflow | wasm | cpu (default: the run's run.backend)
  --threads N        kernel threads on the wasm backend, 0 = every core
  --json             print the comparison as one JSON object (no progress lines)
  --help             show this help

Exit codes: 0 both runs completed, 1 a run failed or the pretrained run cannot be used, 2 bad usage.`,
  async run(argv) {
    const args = parseArgs(argv, { booleans: ['json', 'freeze'], values: ['labels', 'epochs', 'batch-size', 'lr', 'out', 'backend', 'threads'] });
    if (args.positionals.length !== 1) throw new UsageError('Name exactly one pretrained run directory, e.g. `contrastive-lab finetune runs/20250101-120000-simclr --labels 1%`.');
    const { finetunePair, parseLabelFraction, FinetuneError } = await import('../../trainer/finetune');
    const labelsText = args.values.get('labels');
    if (labelsText === undefined) throw new UsageError('--labels is required: the fraction of the training labels the classifiers see, e.g. --labels 1%.');
    const labelFraction = parseLabelFraction(labelsText);
    if (labelFraction === null) throw new UsageError(`--labels must be a fraction in (0, 1] or a percentage in (0, 100]%, e.g. 1% or 0.01; got "${labelsText}".`);
    const learningRate = args.values.has('lr') ? Number(args.values.get('lr')) : DEFAULTS.learningRate;
    if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new UsageError(`--lr must be a positive number, got "${args.values.get('lr')}".`);
    const json = args.booleans.has('json');
    const say = (line: string): void => {
      if (!json) process.stdout.write(line + '\n');
    };
    const stop = createStopSignal(true);
    try {
      const report = await finetunePair({
        runDir: args.positionals[0]!,
        labelFraction,
        epochs: positiveInt(args.values.get('epochs'), '--epochs', DEFAULTS.epochs),
        batchSize: positiveInt(args.values.get('batch-size'), '--batch-size', DEFAULTS.batchSize),
        learningRate,
        freeze: args.booleans.has('freeze'),
        outRoot: args.values.get('out') ?? null,
        mode: json ? 'silent' : modeFor(false),
        backend: backendArg(args.values.get('backend')),
        threads: threadsArg(args.values.get('threads')),
        stop,
        onStart: (which, specFile) => say(`\n${which === 'pretrained' ? 'fine-tuning from the pretrained run' : 'the same classifier from scratch'} (spec ${relative(process.cwd(), specFile) || specFile})`),
      }).catch((e: unknown) => {
        if (!(e instanceof FinetuneError)) throw e;
        printProblems(e.problems, (line) => process.stderr.write(line + '\n'));
        process.stderr.write(`${e.message}\n`);
        return null;
      });
      if (report === null) return 1;
      if (json) process.stdout.write(JSON.stringify(report) + '\n');
      else process.stdout.write('\n' + formatReport(report) + '\n');
      return report.finetuned.status === 'completed' && report.scratch?.status === 'completed' ? 0 : 1;
    } finally {
      stop.dispose();
    }
  },
};

const percent = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);

/** The two runs side by side, then the difference the pretraining makes. */
export function formatReport(r: FinetuneReport): string {
  const labels = r.labels === null ? `${r.labelFraction * 100}% of the labels` : `${r.labels} labels (${Number((r.labelFraction * 100).toPrecision(6))}% of the training split)`;
  const row = (name: string, run: FinetuneRun | null): string => (run === null ? `${name.padEnd(25)}not trained (the fine-tuned run did not complete)` : `${name.padEnd(25)}${percent(run.classifierAccuracy).padStart(10)}${percent(run.knnAccuracy).padStart(10)}  ${run.status.padEnd(10)}${relative(process.cwd(), run.runDir) || run.runDir}`);
  const lines = [
    `pretrain, then fine-tune: ${labels}, seed ${r.seed}, held-out ${r.heldOut ?? '?'} samples; pretrained run ${relative(process.cwd(), r.pretrainedRun) || r.pretrainedRun}`,
    `${''.padEnd(25)}${'accuracy'.padStart(10)}${'kNN'.padStart(10)}  ${'status'.padEnd(10)}run`,
    row('fine-tuned (pretrained)', r.finetuned),
    row('from scratch', r.scratch),
  ];
  const a = r.finetuned.classifierAccuracy;
  const b = r.scratch?.classifierAccuracy ?? null;
  if (a !== null && b !== null) lines.push(`pretraining ${a >= b ? 'adds' : 'costs'} ${(Math.abs(a - b) * 100).toFixed(2)} points of held-out accuracy with these labels`);
  return lines.join('\n');
}
