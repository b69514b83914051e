// UMAP for runs of any size: the layout is optimised on a stratified sample (every label keeps its
// share, at least one point each), and every other point is placed at the distance-weighted mean of
// its nearest sampled neighbours in the original space, measured with the run's own distance. The
// vectors are read in blocks; resident are the sample (20,000 × 128 floats = 10 MB), its index and
// the 2-D output.
import { UMAP } from 'umap-js';
import { Random } from '../contrastive/random';
import { SampleIndex } from './projectionIndex';
import type { Progress } from './projectionPca';
import { normalizeRows, type RunDistance } from './runDistance';
import { TopK } from './topK';
import type { VectorSource } from './vectorBlocks';

export interface SampledUmapOptions {
  readonly sampleSize: number;
  readonly seed: number;
  readonly distance: RunDistance;
  /** Optimisation epochs of the sample's layout (umap-js' default for large inputs is 200). */
  readonly epochs?: number;
  /** Called between blocks and epochs: the trainer yields to the event loop there (a stop request is answered) and may throw to stop. */
  readonly pause?: () => Promise<void>;
}

const GRAPH_NEIGHBOURS = 15;
const GRAPH_PROBES = 6;
const PLACE_NEIGHBOURS = 5;
const PLACE_PROBES = 3;

/** Up to `size` row indices, ascending: each label's share of `size` (at least one per label), drawn at random within the label. */
export function stratifiedSample(labels: readonly (number | null)[], size: number, seed: number): Int32Array {
  const count = labels.length;
  if (size >= count) return Int32Array.from({ length: count }, (_, i) => i);
  const byLabel = new Map<number | null, number[]>();
  labels.forEach((label, i) => {
    const rows = byLabel.get(label);
    if (rows === undefined) byLabel.set(label, [i]);
    else rows.push(i);
  });
  const rng = new Random(seed);
  const groups = [...byLabel.entries()].sort(([a], [b]) => (a ?? -1) - (b ?? -1));
  // Largest-remainder apportionment of `size` over the labels, with a floor of one each.
  const quotas = groups.map(([, rows]) => Math.max(1, Math.floor((rows.length * size) / count)));
  let left = size - quotas.reduce((a, b) => a + b, 0);
  const byRemainder = groups.map(([, rows], g) => ({ g, r: (rows.length * size) / count - Math.floor((rows.length * size) / count) })).sort((a, b) => b.r - a.r || a.g - b.g);
  for (let i = 0; left > 0 && i < byRemainder.length; i++, left--) quotas[byRemainder[i]!.g]!++;
  const chosen: number[] = [];
  groups.forEach(([, rows], g) => chosen.push(...rng.shuffle(rows.slice()).slice(0, Math.min(rows.length, quotas[g]!))));
  return Int32Array.from(chosen.sort((a, b) => a - b));
}

/** The 2-D UMAP map of every row of `vectors` (count × 2 floats). */
export async function sampledUmap(vectors: VectorSource, labels: readonly (number | null)[], options: SampledUmapOptions, progress: Progress = () => undefined): Promise<Float32Array> {
  const pause = options.pause ?? (() => Promise.resolve());
  const { count, dim } = vectors;
  if (labels.length !== count) throw new Error(`sampledUmap: ${labels.length} labels for ${count} vectors`);
  const sample = stratifiedSample(labels, options.sampleSize, options.seed);
  const s = sample.length;
  progress('UMAP: reading the sample', 0, s);
  const sampled = vectors.gather(sample);
  if (options.distance.normalize) normalizeRows(sampled, dim);
  progress('UMAP: indexing the sample', 0, s);
  const index = new SampleIndex(sampled, s, dim, options.distance, options.seed);
  // The sample's neighbour graph (itself included, as umap-js expects).
  const k = Math.max(2, Math.min(GRAPH_NEIGHBOURS, s));
  const knnIndices: number[][] = [];
  const knnDistances: number[][] = [];
  const top = new TopK(k);
  for (let i = 0; i < s; i++) {
    index.search(sampled, i, GRAPH_PROBES, top);
    const found = top.entries();
    knnIndices.push(found.map((f) => f.index));
    // umap-js wants non-negative distances; a similarity's turned-around value is shifted by its minimum.
    knnDistances.push(found.map((f) => f.distance));
    if (i % 2000 === 0) {
      progress('UMAP: sample neighbour graph', i, s);
      await pause();
    }
  }
  const lowest = Math.min(0, ...knnDistances.map((row) => Math.min(...row)));
  if (lowest < 0) for (const row of knnDistances) for (let j = 0; j < row.length; j++) row[j] = row[j]! - lowest;
  const rng = new Random(options.seed);
  const umap = new UMAP({ nComponents: 2, nNeighbors: k, nEpochs: options.epochs ?? 200, random: () => rng.nextFloat() });
  umap.setPrecomputedKNN(knnIndices, knnDistances);
  const rows: number[][] = [];
  for (let i = 0; i < s; i++) rows.push(Array.from(sampled.subarray(i * dim, (i + 1) * dim)));
  const epochs = umap.initializeFit(rows);
  rows.length = 0;
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if (e % 10 === 0) {
      progress('UMAP: optimising the sample layout', e, epochs);
      await pause();
    }
  }
  const layout = umap.getEmbedding();
  const out = new Float32Array(count * 2);
  const isSampled = new Uint8Array(count);
  sample.forEach((row, i) => {
    isSampled[row] = 1;
    out[row * 2] = layout[i]![0]!;
    out[row * 2 + 1] = layout[i]![1]!;
  });
  if (s === count) return out;
  const near = new TopK(Math.min(PLACE_NEIGHBOURS, s));
  const blockRows = 8192;
  for (let start = 0; start < count; start += blockRows) {
    const rows = Math.min(blockRows, count - start);
    vectors.forEachBlockIn(start, rows, (block) => {
      if (options.distance.normalize) normalizeRows(block, dim);
      for (let r = 0; r < rows; r++) {
        const row = start + r;
        if (isSampled[row] === 1) continue;
        index.search(block, r, PLACE_PROBES, near);
        // Weights fall off over the spread of the found distances (exp(−Δ/spread)): the nearest counts
        // most, the point lands between its neighbours, and a similarity's negative values need no care.
        const base = near.distances[0]!;
        const spread = near.distances[near.count - 1]! - base;
        let wx = 0, wy = 0, w = 0;
        for (let j = 0; j < near.count; j++) {
          const weight = spread > 0 ? Math.exp(-(near.distances[j]! - base) / spread) : 1;
          const p = near.indices[j]!;
          wx += weight * layout[p]![0]!;
          wy += weight * layout[p]![1]!;
          w += weight;
        }
        out[row * 2] = wx / w;
        out[row * 2 + 1] = wy / w;
      }
    });
    progress('UMAP: placing the other points', start + rows, count);
    await pause();
  }
  return out;
}
