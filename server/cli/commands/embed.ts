// `contrastive-lab embed <run-dir>`: recompute the embeddings of a run from its newest checkpoint.
import { resolve } from 'node:path';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { backendArg } from '../options';

export const embedCommand: Command = {
  usage: `Usage: contrastive-lab embed <run-dir> [--no-umap] [--backend NAME]

Embeds every sample with the newest checkpoint of the run (also a stopped one) and rewrites
embeddings/: vectors.f32 + meta.json, samples.json (ids, labels, split), pca.f32, umap.f32 and,
for image data, sprite.png. See docs/run-directory.md for the layout. A run trained on the PyTorch
engine is embedded by that engine (Python with torch: env CONTRASTIVE_LAB_PYTHON, else
/usr/bin/python3 or python3).

Options:
  --no-umap          skip the UMAP projection (slow on large data)
  --backend NAME     auto | tensorflow | wasm | cpu (default: the run's run.backend)
  --help             show this help

Exit codes: 0 written, 1 the run has no checkpoint or its data cannot be read, 2 wrong usage.`,
  async run(argv) {
    const args = parseArgs(argv, { booleans: ['no-umap'], values: ['backend'] });
    if (args.positionals.length !== 1) throw new UsageError('Name exactly one run directory.');
    const runDir = resolve(args.positionals[0]!);
    // Loaded here, not at the top: it pulls in tfjs, umap-js and sharp (see train.ts).
    const { reembedRun } = await import('../../trainer/afterRun');
    const written = await reembedRun(runDir, { backend: backendArg(args.values.get('backend')), umap: !args.booleans.has('no-umap') });
    process.stdout.write(`embeddings: ${written.count} × ${written.dim} written to ${runDir}/embeddings (${written.files.join(', ')})\n`);
    return 0;
  },
};
