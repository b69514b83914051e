// A run's results as the table shows them, gathered from its metrics.jsonl lines: the final and
// best figures of every evaluation metric the run recorded, the final loss, the collapse monitor
// and the training throughput. Fed incrementally (a follower passes only appended lines).
import type { MetricLine } from '../format';
import { labelPercent } from '../labelFraction';

export interface RunResults {
  /** The last evaluation's weighted-kNN accuracy, and the best of all evaluations. */
  readonly knn: number | undefined;
  readonly knnBest: number | undefined;
  readonly probe: number | undefined;
  readonly probeBest: number | undefined;
  /** The last evaluation's classifier-head accuracy (loss crossEntropy). */
  readonly classifier: number | undefined;
  /** The last evaluation's zero-shot accuracy (two towers). */
  readonly zeroShot: number | undefined;
  readonly precisionAt1: number | undefined;
  /** The last evaluation's recall@k, keyed by k. */
  readonly recallAtK: Readonly<Record<string, number>>;
  readonly mapAtR: number | undefined;
  /** The last few-shot accuracies, keyed `<N>way-<K>shot`. */
  readonly fewShot: Readonly<Record<string, number>>;
  /** The last label-efficiency curve: accuracies keyed `linear@<p>%` and `knn@<p>%`. */
  readonly labelEfficiency: Readonly<Record<string, number>>;
  /** Std of the L2-normalised outputs at the last evaluation (0 is collapse). */
  readonly collapseStd: number | undefined;
  readonly finalLoss: number | undefined;
  /** Mean of the step lines' samples/s (each step's batch over its own seconds). */
  readonly samplesPerSec: number | undefined;
}

const finite = (v: number | null | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const best = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined ? b : b === undefined ? a : Math.max(a, b));

export class ResultsAccumulator {
  private knn: number | undefined;
  private knnBest: number | undefined;
  private probe: number | undefined;
  private probeBest: number | undefined;
  private classifier: number | undefined;
  private zeroShot: number | undefined;
  private precisionAt1: number | undefined;
  private recallAtK: Record<string, number> = {};
  private mapAtR: number | undefined;
  private fewShot: Record<string, number> = {};
  private labelEfficiency: Record<string, number> = {};
  private collapseStd: number | undefined;
  private finalLoss: number | undefined;
  private speedSum = 0;
  private speedCount = 0;

  /** Forgets everything (the metrics file was rewritten from the start by a resume). */
  reset(): void {
    this.knn = this.knnBest = this.probe = this.probeBest = this.classifier = this.zeroShot = this.precisionAt1 = this.mapAtR = this.collapseStd = this.finalLoss = undefined;
    this.recallAtK = {};
    this.fewShot = {};
    this.labelEfficiency = {};
    this.speedSum = this.speedCount = 0;
  }

  add(lines: readonly MetricLine[]): void {
    for (const line of lines) {
      if (line.kind === 'step') {
        this.finalLoss = line.loss;
        const speed = finite(line.samplesPerSec);
        if (speed !== undefined) {
          this.speedSum += speed;
          this.speedCount++;
        }
        continue;
      }
      // An evaluation that skipped a metric says null: the last value stays the last one computed.
      this.knn = finite(line.knnAccuracy) ?? this.knn;
      this.knnBest = best(this.knnBest, finite(line.knnAccuracy));
      this.probe = finite(line.linearProbeAccuracy) ?? this.probe;
      this.probeBest = best(this.probeBest, finite(line.linearProbeAccuracy));
      this.classifier = finite(line.classifierAccuracy) ?? this.classifier;
      this.zeroShot = finite(line.zeroShotAccuracy) ?? this.zeroShot;
      this.precisionAt1 = finite(line.precisionAt1) ?? this.precisionAt1;
      if (line.recallAtK) this.recallAtK = { ...line.recallAtK };
      this.mapAtR = finite(line.mapAtR) ?? this.mapAtR;
      if (line.fewShot) this.fewShot = Object.fromEntries(Object.entries(line.fewShot).map(([key, f]) => [key, f.accuracy]));
      if (line.labelEfficiency) {
        this.labelEfficiency = Object.fromEntries(line.labelEfficiency.flatMap((p) => [[`linear@${labelPercent(p.fraction)}`, p.linearProbe], [`knn@${labelPercent(p.fraction)}`, p.knn]]));
      }
      this.collapseStd = finite(line.collapseStd) ?? this.collapseStd;
    }
  }

  results(): RunResults {
    return {
      knn: this.knn, knnBest: this.knnBest, probe: this.probe, probeBest: this.probeBest, classifier: this.classifier, zeroShot: this.zeroShot, precisionAt1: this.precisionAt1,
      recallAtK: this.recallAtK, mapAtR: this.mapAtR, fewShot: this.fewShot, labelEfficiency: this.labelEfficiency, collapseStd: this.collapseStd, finalLoss: this.finalLoss,
      samplesPerSec: this.speedCount > 0 ? this.speedSum / this.speedCount : undefined,
    };
  }
}
