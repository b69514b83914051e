// Benchmark: forward + backward of every loss at batch 512, dimension 128, in milliseconds, on the
// chosen backend. Labelled losses see 128 classes × 4 samples (an m-per-class batch); two-view and
// online/target losses see two 512 × 128 views. Prints a table and one line per figure:
// `bench loss-<type>-fwdbwd <ms> ms`. Run alone with `node --import tsx bench/losses.ts [--backend
// wasm|cpu]`, or through bench/run.ts via runLossBench().
import { currentBackend, initBackend, tf, type BackendRequest } from '../server/contrastive/backend';
import { createDistance } from '../server/contrastive/distances';
import { createLoss } from '../server/contrastive/losses';
import type { LossInput } from '../server/contrastive/losses/types';
import type { DistanceSpec, LossSpec } from '../server/spec/types';

export interface LossBenchOptions {
  readonly batch?: number;
  readonly dim?: number;
  /** Timed repetitions per loss (after one warm-up); the median is reported. */
  readonly repeats?: number;
  readonly log?: (line: string) => void;
}

export interface LossBenchFigure {
  readonly type: LossSpec['type'];
  readonly distance: string;
  /** Median of the timed repetitions. */
  readonly ms: number;
  /** Fastest repetition (the least disturbed by other load on a shared machine). */
  readonly minMs: number;
}

export interface LossBenchResult {
  readonly backend: string;
  readonly batch: number;
  readonly dim: number;
  readonly figures: readonly LossBenchFigure[];
}

const euclidean: DistanceSpec = { type: 'euclidean', normalize: true };
const cosine: DistanceSpec = { type: 'cosine' };

/** Each loss at its schema-default-like setting with the distance its reference uses. */
const SETUPS: ReadonlyArray<{ spec: LossSpec; distance: DistanceSpec }> = [
  { spec: { type: 'contrastive', posMargin: 0, negMargin: 1 }, distance: euclidean },
  { spec: { type: 'triplet', margin: 0.05, swap: false, smoothLoss: false }, distance: euclidean },
  { spec: { type: 'nPairs' }, distance: { type: 'dot', normalize: true } },
  { spec: { type: 'liftedStructure', posMargin: 0, negMargin: 1 }, distance: euclidean },
  { spec: { type: 'generalizedLiftedStructure', posMargin: 0, negMargin: 1 }, distance: euclidean },
  { spec: { type: 'infoNCE', temperature: 0.07 }, distance: cosine },
  { spec: { type: 'supCon', temperature: 0.1 }, distance: cosine },
  { spec: { type: 'circle', m: 0.4, gamma: 80 }, distance: cosine },
  { spec: { type: 'softNearestNeighbor', temperature: 1, learnTemperature: false }, distance: { type: 'squaredEuclidean', normalize: false } },
  { spec: { type: 'multiSimilarity', alpha: 2, beta: 50, base: 0.5 }, distance: cosine },
  { spec: { type: 'vicreg', invarianceWeight: 25, varianceWeight: 25, covarianceWeight: 1, eps: 1e-4 }, distance: cosine },
  { spec: { type: 'barlowTwins', lambda: 5e-3 }, distance: cosine },
  { spec: { type: 'siglip', logitScale: Math.log(10), logitBias: -10, learnable: true }, distance: cosine },
  { spec: { type: 'negativeCosine', form: 'simsiam' }, distance: cosine },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export async function runLossBench(options: LossBenchOptions = {}): Promise<LossBenchResult> {
  const backend = currentBackend() ?? (await initBackend('auto'));
  const batch = options.batch ?? 512;
  const dim = options.dim ?? 128;
  const repeats = options.repeats ?? 5;
  const log = options.log ?? ((line: string) => console.log(line));
  const perClass = 4;
  const labels = Int32Array.from({ length: batch }, (_v, i) => Math.floor(i / perClass));
  const a = tf.randomNormal([batch, dim], 0, 1, 'float32', 1) as tf.Tensor2D;
  const b = tf.tidy(() => tf.add(a, tf.randomNormal([batch, dim], 0, 0.3, 'float32', 2))) as tf.Tensor2D;
  const figures: LossBenchFigure[] = [];
  try {
    for (const { spec, distance } of SETUPS) {
      const loss = createLoss(spec, createDistance(distance));
      const input = (x: tf.Tensor2D, y: tf.Tensor2D): LossInput =>
        loss.input === 'labelled' ? { embeddings: x, labels } : loss.input === 'twoView' ? { views: { view1: x, view2: y } } : { views: { online: x, target: y } };
      const step = () => {
        tf.tidy(() => {
          // Labelled losses see one batch; the others see two views (and differentiate both).
          const grads =
            loss.input === 'labelled'
              ? tf.grads((x: tf.Tensor) => loss.compute(input(x as tf.Tensor2D, b)))([a])
              : tf.grads((x: tf.Tensor, y: tf.Tensor) => loss.compute(input(x as tf.Tensor2D, y as tf.Tensor2D)))([a, b]);
          for (const g of grads) g.dataSync(); // wait for the backend to finish
        });
      };
      try {
        step(); // warm-up: kernel set-up, wasm compilation
        const times: number[] = [];
        for (let r = 0; r < repeats; r++) {
          const t0 = performance.now();
          step();
          times.push(performance.now() - t0);
        }
        figures.push({ type: spec.type, distance: distance.type, ms: median(times), minMs: Math.min(...times) });
      } finally {
        loss.dispose();
      }
    }
  } finally {
    a.dispose();
    b.dispose();
  }
  log(`Loss forward+backward, batch ${batch}, dim ${dim}, backend ${backend.name} (median of ${repeats})`);
  log(`${'loss'.padEnd(28)}${'distance'.padEnd(18)}${'median ms'.padStart(10)}${'min ms'.padStart(10)}`);
  for (const f of figures) log(`${f.type.padEnd(28)}${f.distance.padEnd(18)}${f.ms.toFixed(2).padStart(10)}${f.minMs.toFixed(2).padStart(10)}`);
  for (const f of figures) log(`bench loss-${f.type}-fwdbwd ${f.ms.toFixed(2)} ms`);
  return { backend: backend.name, batch, dim, figures };
}

if (require.main === module) {
  const i = process.argv.indexOf('--backend');
  const request = (i >= 0 ? process.argv[i + 1] : 'auto') as BackendRequest;
  initBackend(request)
    .then(() => runLossBench())
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
