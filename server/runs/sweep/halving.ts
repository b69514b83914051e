// Successive halving over a sweep's runs: the rungs (epochs where runs are compared), a run's result
// at a rung read from its metrics, and the decision at each rung — the best 1/eta of the runs that
// reached it continue, the others stay stopped. Decisions are recomputed from what is on disk, so a
// restarted queue or a sweep extended with more runs picks up where it was.
import type { HalvingMetric } from '../../spec/sweep.decl';
import type { MetricLine } from '../format';

/** The rung epochs: minEpochs, minEpochs·eta, … below `epochs`, then `epochs` (the full run). */
export function rungEpochs(minEpochs: number, eta: number, epochs: number): number[] {
  const rungs: number[] = [];
  for (let e = minEpochs; e < epochs; e *= eta) rungs.push(e);
  rungs.push(epochs);
  return rungs;
}

export function higherIsBetter(metric: HalvingMetric): boolean {
  return metric !== 'loss';
}

/**
 * A run's result at a rung: for an evaluation metric, the latest evaluation at or before the rung's
 * epoch; for `loss`, the mean step loss of that epoch. Null when the metrics do not have it (yet).
 */
export function resultAt(lines: readonly MetricLine[], metric: HalvingMetric, epoch: number): number | null {
  if (metric === 'loss') {
    const losses = lines.filter((l) => l.kind === 'step' && l.epoch === epoch).map((l) => (l.kind === 'step' ? l.loss : 0));
    return losses.length === 0 ? null : losses.reduce((a, b) => a + b, 0) / losses.length;
  }
  let found: number | null = null;
  for (const line of lines) {
    if (line.kind !== 'eval' || line.epoch > epoch) continue;
    const value = line[metric];
    if (typeof value === 'number' && Number.isFinite(value)) found = value;
  }
  return found;
}

/** One run of a halving sweep, as the queue and its metrics show it. */
export interface HalvingRun {
  readonly index: number;
  /** The rung it trains toward, or has reached (an index into the rungs). */
  readonly target: number;
  /** It has reached `target` (its trainer ended there), or ended early by failing. */
  readonly settled: boolean;
  /** Halving stopped it at `target`. */
  readonly pruned: boolean;
  /** Its result at each rung it reached (null when failed or not measured). */
  readonly results: readonly (number | null)[];
}

export interface HalvingDecision {
  /** Runs to resume toward the next rung. */
  readonly promote: readonly number[];
  /** Runs that stay stopped at their rung. */
  readonly prune: readonly number[];
}

/**
 * At each rung below the last, once no run is still on its way to it: the runs that reached it
 * (promoted past it or not) are ranked by their result there, and the best max(1, ⌊n/eta⌋) go on.
 * A run pruned earlier is promoted after all when runs added later raise the quota and it ranks
 * within it (it was only stopped, and resumes from its checkpoint).
 */
export function decideHalving(runs: readonly HalvingRun[], rungCount: number, eta: number, higher: boolean): HalvingDecision {
  const promote: number[] = [];
  const prune: number[] = [];
  for (let k = 0; k < rungCount - 1; k++) {
    const cohort = runs.filter((r) => r.target >= k);
    if (cohort.length === 0 || cohort.some((r) => r.target === k && !r.settled)) continue;
    const quota = Math.max(1, Math.floor(cohort.length / eta));
    const score = (r: HalvingRun): number => {
      const v = r.results[k];
      return v === null || v === undefined ? -Infinity : higher ? v : -v;
    };
    const ranked = [...cohort].sort((a, b) => score(b) - score(a) || a.index - b.index);
    ranked.forEach((r, place) => {
      if (r.target !== k) return; // already past this rung
      if (place < quota && score(r) > -Infinity) promote.push(r.index);
      else if (!r.pruned) prune.push(r.index);
    });
  }
  return { promote, prune };
}
