// `contrastive-lab export <run-dir> --format projector|tfjs [--out DIR]`.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readRunRecord } from '../../runs/record';
import { removeQuietly } from '../../shared/files';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { exportProjector } from '../../trainer/exportProjector';

export const exportCommand: Command = {
  usage: `Usage: contrastive-lab export <run-dir> --format projector|tfjs [--out DIR]

  --format projector   tensors.tsv, metadata.tsv (label, id, split), sprite.png (image data) and
                       projector_config.pbtxt: load the folder in projector.tensorflow.org or
                       TensorBoard. Needs the run's embeddings (written when it completes).
  --format tfjs        the trained network (backbone, representation and heads) from the newest
                       checkpoint as a tfjs layers model (model.json + weights.bin) with a README
                       showing how to load it and put a classifier on top.
  --out DIR            where to write (default: <run-dir>/export/<format>)
  --help               show this help

Exit codes: 0 written, 1 nothing to export yet, 2 wrong usage.`,
  async run(argv) {
    const args = parseArgs(argv, { values: ['format', 'out'] });
    if (args.positionals.length !== 1) throw new UsageError('Name exactly one run directory.');
    const format = args.values.get('format');
    if (format !== 'projector' && format !== 'tfjs') throw new UsageError(`--format must be projector or tfjs${format === undefined ? '' : `, got "${format}"`}.`);
    const runDir = resolve(args.positionals[0]!);
    const out = resolve(args.values.get('out') ?? join(runDir, 'export', format));
    if (format === 'tfjs' && readRunRecord(runDir).engine === 'pytorch') throw new Error(`${runDir}: trained on the PyTorch engine; \`export --format tfjs\` rebuilds the network from a tfjs checkpoint and cannot read its torch checkpoints yet. \`export --format projector\` works on its embeddings.`);
    // A failed export leaves nothing half written: the folder it made goes, or in a folder that was
    // there already the files this attempt wrote or began.
    const before = existsSync(out) ? snapshot(out) : null;
    let files: string[];
    try {
      files = format === 'projector' ? exportProjector(runDir, out) : await (await import('../../trainer/afterRun')).exportTfjs(runDir, out); // tfjs loads only for this format
    } catch (e) {
      try {
        if (before === null) rmSync(out, { recursive: true, force: true });
        else for (const [name, stamp] of snapshot(out)) if (before.get(name) !== stamp && EXPORT_FILES.includes(name)) removeQuietly(join(out, name));
      } catch {
        // cannot be removed (read-only): the error still names the file
      }
      throw e;
    }
    process.stdout.write(`${format} export written to ${out}: ${files.join(', ')}\n`);
    return 0;
  },
};

/** The files an export writes (both formats). */
const EXPORT_FILES = ['tensors.tsv', 'metadata.tsv', 'sprite.png', 'projector_config.pbtxt', 'model.json', 'weights.bin', 'README.md'];

/** Name → size and modification time of the files in a folder (empty if it cannot be read). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  try {
    for (const name of readdirSync(dir)) {
      try {
        const s = statSync(join(dir, name));
        out.set(name, `${s.size}:${s.mtimeMs}`);
      } catch {
        // vanished meanwhile
      }
    }
  } catch {
    // not a readable folder: nothing to compare
  }
  return out;
}
