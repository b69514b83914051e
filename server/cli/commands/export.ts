// `contrastive-lab export <run-dir> --format projector|arrow|tfjs [--out DIR] [--seed N]`.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { removeQuietly } from '../../shared/files';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { exportProjector, PROJECTOR_MAX_POINTS } from '../../trainer/exportProjector';

export const exportCommand: Command = {
  usage: `Usage: contrastive-lab export <run-dir> --format projector|arrow|tfjs [--out DIR] [--seed N]

  --format projector   tensors.tsv, metadata.tsv (label, id, split, index), sprite.png (image data)
                       and projector_config.pbtxt: load the folder in projector.tensorflow.org or
                       TensorBoard. Needs the run's embeddings (written when it completes). The
                       projector loads at most ${PROJECTOR_MAX_POINTS.toLocaleString('en-US')} points: a larger run is cut to a
                       stratified sample of that size (every label keeps its share), with a warning.
  --format arrow       embeddings.arrow: every sample's index, id, label, class, split, embedding
                       (fixed-size list of float32) and 2-D projections in one Arrow IPC file, for
                       pandas (pd.read_feather), polars (pl.read_ipc) or pyarrow. No size limit.
  --format tfjs        the trained network (backbone, representation and heads) from the newest
                       checkpoint as a tfjs layers model (model.json + weights.bin) with a README
                       showing how to load it and put a classifier on top. A PyTorch run's
                       weights are converted by its engine (Python with torch) and checked:
                       the same samples through both networks agree within 1e-4, or nothing
                       is written.
  --out DIR            where to write (default: <run-dir>/export/<format>)
  --seed N             the projector sample's seed (default 0; the same seed gives the same points)
  --help               show this help

Exit codes: 0 written, 1 nothing to export yet, 2 wrong usage.`,
  async run(argv) {
    const args = parseArgs(argv, { values: ['format', 'out', 'seed'] });
    if (args.positionals.length !== 1) throw new UsageError('Name exactly one run directory.');
    const format = args.values.get('format');
    if (format !== 'projector' && format !== 'arrow' && format !== 'tfjs') throw new UsageError(`--format must be projector, arrow or tfjs${format === undefined ? '' : `, got "${format}"`}.`);
    const seedText = args.values.get('seed');
    const seed = seedText === undefined ? 0 : Number(seedText);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number ≥ 0, got "${seedText}".`);
    if (seedText !== undefined && format !== 'projector') throw new UsageError(`--seed chooses the projector's sample; --format ${format} writes every sample.`);
    const runDir = resolve(args.positionals[0]!);
    const out = resolve(args.values.get('out') ?? join(runDir, 'export', format));
    // A failed export leaves nothing half written: the folder it made goes, or in a folder that was
    // there already the files this attempt wrote or began.
    const before = existsSync(out) ? snapshot(out) : null;
    let files: string[];
    try {
      if (format === 'tfjs') files = await (await import('../../trainer/afterRun')).exportTfjs(runDir, out); // tfjs loads only for this format
      else {
        const result = format === 'projector' ? await exportProjector(runDir, out, { seed }) : await (await import('../../trainer/exportArrow')).exportArrow(runDir, out);
        if (result.warning !== null) process.stderr.write(`warning: ${result.warning}\n`);
        files = result.files;
      }
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
const EXPORT_FILES = ['tensors.tsv', 'metadata.tsv', 'sprite.png', 'projector_config.pbtxt', 'embeddings.arrow', 'model.json', 'weights.bin', 'README.md'];

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
