// A coarse-partitioned index over the UMAP sample (an inverted file): the sample's vectors are
// grouped around √(2·S) centroids (a few k-means rounds), and a query measures the centroids, then
// the members of its `probes` nearest groups with the run's own distance. For 20,000 sampled
// vectors a query measures ~600 of them instead of 20,000: what makes placing a million points by
// their nearest sampled neighbours (in the original space) take seconds, not the hour an
// all-pairs scan in JavaScript would. Approximate by design: a neighbour in an unprobed group is
// missed (the exact search of the map's neighbour panel is exactNeighbours.ts).
import { Random } from '../contrastive/random';
import { rowDistance, type RowDistance, type RunDistance } from './runDistance';
import { TopK } from './topK';

const KMEANS_ROUNDS = 4;

export class SampleIndex {
  readonly lists: number;
  private readonly centroids: Float32Array;
  /** The sample's rows regrouped list by list, and each member's position in the sample. */
  private readonly members: Float32Array;
  private readonly memberOf: Int32Array;
  private readonly listStart: Int32Array;
  private readonly measure: RowDistance;
  private readonly squared: RowDistance = rowDistance({ name: 'squaredEuclidean', normalize: false, describe: '' });
  /** The probed groups' scratch top-k, per number of probes. */
  private readonly orders = new Map<number, TopK>();

  /** `vectors`: count × dim, already normalised when the distance asks for it. */
  constructor(vectors: Float32Array, readonly count: number, readonly dim: number, distance: RunDistance, seed: number) {
    this.measure = rowDistance(distance);
    this.lists = Math.max(1, Math.min(count, Math.round(Math.sqrt(2 * count))));
    const rng = new Random(seed);
    const centroids = new Float32Array(this.lists * dim);
    const picks = rng.shuffle(Array.from({ length: count }, (_, i) => i)).slice(0, this.lists);
    picks.forEach((p, c) => centroids.set(vectors.subarray(p * dim, (p + 1) * dim), c * dim));
    const assignment = new Int32Array(count);
    // The groups are found with squared euclidean distance (their means are the right centroids for
    // it); on normalised vectors it orders like cosine. Membership only decides where to look.
    for (let round = 0; round < KMEANS_ROUNDS; round++) {
      for (let i = 0; i < count; i++) {
        let best = 0, bestD = Infinity;
        for (let c = 0; c < this.lists; c++) {
          const d = this.squared(vectors, i, centroids, c, dim);
          if (d < bestD) { bestD = d; best = c; }
        }
        assignment[i] = best;
      }
      if (round === KMEANS_ROUNDS - 1) break;
      const sums = new Float64Array(this.lists * dim);
      const sizes = new Int32Array(this.lists);
      for (let i = 0; i < count; i++) {
        const c = assignment[i]!;
        sizes[c]++;
        for (let d = 0; d < dim; d++) sums[c * dim + d] += vectors[i * dim + d]!;
      }
      for (let c = 0; c < this.lists; c++) {
        if (sizes[c] === 0) continue; // an empty group keeps its centroid
        for (let d = 0; d < dim; d++) centroids[c * dim + d] = sums[c * dim + d]! / sizes[c]!;
      }
    }
    this.centroids = centroids;
    this.listStart = new Int32Array(this.lists + 1);
    for (let i = 0; i < count; i++) this.listStart[assignment[i]! + 1]++;
    for (let c = 0; c < this.lists; c++) this.listStart[c + 1] += this.listStart[c]!;
    const fill = this.listStart.slice(0, this.lists);
    this.members = new Float32Array(count * dim);
    this.memberOf = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const at = fill[assignment[i]!]++;
      this.memberOf[at] = i;
      this.members.set(vectors.subarray(i * dim, (i + 1) * dim), at * dim);
    }
  }

  /**
   * The out.k nearest sampled rows (positions in the sample) of row `row` of `queries`, among the
   * members of its `probes` nearest groups, into `out` (cleared first).
   */
  search(queries: Float32Array, row: number, probes: number, out: TopK): void {
    const dim = this.dim;
    let order = this.orders.get(probes);
    if (order === undefined) {
      order = new TopK(Math.min(probes, this.lists));
      this.orders.set(probes, order);
    }
    order.clear();
    for (let c = 0; c < this.lists; c++) order.offer(c, this.squared(queries, row, this.centroids, c, dim));
    out.clear();
    for (let p = 0; p < order.count; p++) {
      const c = order.indices[p]!;
      for (let m = this.listStart[c]!; m < this.listStart[c + 1]!; m++) out.offer(this.memberOf[m]!, this.measure(queries, row, this.members, m, dim));
    }
  }
}
