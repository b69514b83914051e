// `contrastive-lab map <run-dir>`: the embedding map's data at any size, without a tensor library.
// --project computes the 2-D maps (PCA of every point; UMAP of a stratified sample with the rest
// placed by their nearest sampled neighbours), --query prints one sample's exact neighbours by the
// run's own distance, and --serve answers the map panel's requests over stdio (server/runs/mapProtocol.ts).
import { resolve } from 'node:path';
import { exactNeighbours } from '../../runs/exactNeighbours';
import type { EmbeddingsMeta, SampleIndex } from '../../runs/format';
import { LineSplitter } from '../../runs/tail';
import type { MapReply, MapRequest } from '../../runs/mapProtocol';
import { runPaths } from '../../runs/paths';
import { DEFAULT_UMAP_SAMPLE, projectRun, type ProjectionName, type Progress } from '../../runs/projection';
import { distanceOfRun, RUN_DISTANCES, runDistance, type RunDistance } from '../../runs/runDistance';
import { readJsonObject } from '../../shared/files';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { nonNegativeInt, positiveInt } from '../options';

const usage = `Usage: contrastive-lab map <run-dir> --project pca,umap [--sample N] [--epochs N] [--seed N]
       contrastive-lab map <run-dir> --query INDEX [-k K] [--distance NAME] [--json]
       contrastive-lab map <run-dir> --serve

The embedding map's data for runs of any size (a million points and more), read from
embeddings/vectors.f32 in blocks:
  --project   writes pca.f32 (PCA of every point) and/or umap.f32 (UMAP of a stratified sample of
              --sample points, default ${DEFAULT_UMAP_SAMPLE}, every other point placed by its nearest
              sampled neighbours in the original space) and adds them to meta.json; progress on stderr
  --query     the k nearest samples (default 10) of sample INDEX, exact, by the run's own distance
              (spec.json's distance and normalisation), or by --distance ${RUN_DISTANCES.join(' | ')}
  --serve     answers JSON-lines requests on stdin (the map panel's host starts it)

Exit codes: 0 done, 1 the run's embeddings cannot be read, 2 wrong usage.`;

const METHODS: readonly ProjectionName[] = ['pca', 'umap'];
const PROGRESS_EVERY_MS = 200;

function readMeta(runDir: string): EmbeddingsMeta {
  return readJsonObject<EmbeddingsMeta>(runPaths(runDir).embeddingsMeta, 'embeddings header');
}

/** Progress lines at most every 200 ms, and at each new phase. */
function throttled(report: (phase: string, done: number, total: number) => void): Progress {
  let last = 0;
  let lastPhase = '';
  return (phase, done, total) => {
    const now = Date.now();
    if (phase === lastPhase && now - last < PROGRESS_EVERY_MS && done < total) return;
    last = now;
    lastPhase = phase;
    report(phase, done, total);
  };
}

function parseMethods(text: string): ProjectionName[] {
  const methods = text.split(',').map((m) => m.trim());
  const bad = methods.find((m) => !METHODS.includes(m as ProjectionName));
  if (bad !== undefined || methods.length === 0) throw new UsageError(`--project takes pca, umap or pca,umap; got "${text}"`);
  return methods as ProjectionName[];
}

function serve(runDir: string): Promise<number> {
  const meta = readMeta(runDir);
  const distance = distanceOfRun(runDir);
  const write = (reply: MapReply): void => void process.stdout.write(JSON.stringify(reply) + '\n');
  write({ ready: { count: meta.count, dim: meta.dim, distance } });
  const handle = async (request: MapRequest): Promise<void> => {
    try {
      if (request.method === 'project') {
        const report = throttled((phase, done, total) => write({ id: request.id, progress: { phase, done, total } }));
        const result = await projectRun(runDir, { methods: request.methods, distance, progress: report, ...(request.sample !== undefined ? { sampleSize: request.sample } : {}) });
        write({ id: request.id, projected: { seconds: result.seconds } });
      } else {
        write({ id: request.id, neighbours: exactNeighbours(runDir, meta, request.query, request.k, distance).neighbours });
      }
    } catch (e) {
      write({ id: request.id, error: (e as Error).message });
    }
  };
  // One request at a time, in the order they arrive: a neighbour query waits for a projection.
  let queue = Promise.resolve();
  return new Promise((done) => {
    const lines = new LineSplitter();
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      for (const line of lines.push(chunk)) {
        let request: MapRequest;
        try {
          request = JSON.parse(line) as MapRequest;
        } catch {
          write({ id: -1, error: `not a JSON request: ${line.slice(0, 120)}` });
          continue;
        }
        queue = queue.then(() => handle(request));
      }
    });
    process.stdin.on('end', () => void queue.then(() => done(0)));
  });
}

export const mapCommand: Command = {
  usage,
  async run(argv) {
    const args = parseArgs(argv, { booleans: ['serve', 'json'], values: ['project', 'sample', 'epochs', 'seed', 'query', 'k', 'distance'] });
    if (args.positionals.length !== 1) throw new UsageError('Name exactly one run directory.');
    const runDir = resolve(args.positionals[0]!);
    const modes = ['serve', 'project', 'query'].filter((m) => args.booleans.has(m) || args.values.has(m));
    if (modes.length !== 1) throw new UsageError('Give exactly one of --project, --query or --serve.');
    if (args.booleans.has('serve')) return serve(runDir);
    const distanceArg = args.values.get('distance');
    if (distanceArg !== undefined && !RUN_DISTANCES.includes(distanceArg as RunDistance['name'])) throw new UsageError(`--distance must be one of ${RUN_DISTANCES.join(', ')}; got "${distanceArg}"`);
    const distance = distanceArg !== undefined ? runDistance(distanceArg as RunDistance['name'], distanceArg === 'cosine') : distanceOfRun(runDir);
    const meta = readMeta(runDir);
    if (args.values.has('project')) {
      const methods = parseMethods(args.values.get('project')!);
      const progress = throttled((phase, done, total) => process.stderr.write(`${phase}: ${done}/${total}\n`));
      const epochs = args.values.get('epochs');
      const result = await projectRun(runDir, {
        methods, distance, progress,
        sampleSize: positiveInt(args.values.get('sample'), '--sample', DEFAULT_UMAP_SAMPLE),
        seed: args.values.has('seed') ? nonNegativeInt(args.values.get('seed'), '--seed') : 0,
        ...(epochs !== undefined ? { epochs: positiveInt(epochs, '--epochs', 200) } : {}),
      });
      process.stdout.write(`${methods.map((m) => `${m}: ${result.seconds[m]?.toFixed(1)} s`).join(', ')} for ${result.count} points, written to ${runPaths(runDir).embeddings}\n`);
      return 0;
    }
    const query = nonNegativeInt(args.values.get('query'), '--query');
    const k = positiveInt(args.values.get('k'), '-k', 10);
    const found = exactNeighbours(runDir, meta, query, k, distance);
    if (args.booleans.has('json')) {
      process.stdout.write(JSON.stringify(found) + '\n');
      return 0;
    }
    const samples = readJsonObject<SampleIndex>(runPaths(runDir).samples, 'sample index');
    const name = (i: number): string => {
      const label = samples.labels[i];
      return label === null || label === undefined ? '-' : meta.classNames?.[label] ?? String(label);
    };
    const lines = [`query #${query} ${samples.ids[query]} label ${name(query)}; ${distance.describe}, exact over ${meta.count} samples`];
    found.neighbours.forEach((n, r) => lines.push(`${String(r + 1).padStart(3)}. #${n.index} ${samples.ids[n.index]}  label ${name(n.index)}  ${n.distance.toFixed(4)}`));
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};
