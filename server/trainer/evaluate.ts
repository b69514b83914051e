// Evaluation of the current network on the held-out split: weighted kNN accuracy (training
// embeddings as the memory bank), a linear probe, retrieval metrics among the held-out samples,
// few-shot episodes on the held-out split, the label-efficiency curve, the classifier head's accuracy
// (loss crossEntropy) and the collapse monitor. Labels are used here whenever the data has them, even when training
// does not use them. Everything is seeded by (seed, epoch), so a resumed run evaluates alike.
import type { SplitDataset } from '../contrastive/data/types';
import { measureCollapse, type CollapseReport } from '../contrastive/eval/collapse';
import { embeddingMatrix, type EmbeddingMatrix } from '../contrastive/eval/embeddingMatrix';
import { fewShotAccuracy, fewShotKey, fewShotShortfall } from '../contrastive/eval/fewShot';
import { knnAccuracy } from '../contrastive/eval/knnAccuracy';
import { labelEfficiency } from '../contrastive/eval/labelEfficiency';
import { linearProbe } from '../contrastive/eval/linearProbe';
import { retrievalMetrics } from '../contrastive/eval/retrieval';
import type { EvalMetric, FewShotFigure, LabelEfficiencyPoint } from '../runs/format';
import type { ResolvedSpec } from '../spec/types';
import type { EvaluatedEmbeddings } from './embed';
import { metricForSpec } from './neighbors';
import type { TrainingParts } from './parts';

function labelsOf(all: Int32Array, indices: Int32Array): Int32Array {
  return Int32Array.from(indices, (i) => all[i]!);
}

function hasTwoClasses(labels: Int32Array): boolean {
  return labels.length > 1 && labels.some((l) => l !== labels[0]);
}

/** The seed of an evaluation's linear probes: the run's seed and the epoch, so a resumed run evaluates alike. */
function probeSeed(spec: ResolvedSpec, epoch: number): number {
  return (spec.strategy.seed * 7919 + epoch) >>> 0;
}

/**
 * Why eval.fewShot cannot compute some of its shot counts on these held-out labels: one sentence
 * per shot count left out (the trainer warns once, at the start). Empty when all can be computed.
 */
export function fewShotShortfalls(spec: ResolvedSpec, testLabels: Int32Array | null): string[] {
  const fewShot = spec.eval.fewShot;
  if (fewShot === null || testLabels === null) return [];
  return fewShot.shots.flatMap((shots) => fewShotShortfall(testLabels, { ...fewShot, shots }) ?? []);
}

function fewShotFigures(spec: ResolvedSpec, test: EmbeddingMatrix, testLabels: Int32Array): Record<string, FewShotFigure> | null {
  const fewShot = spec.eval.fewShot;
  if (fewShot === null) return null;
  const figures: Record<string, FewShotFigure> = {};
  for (const shots of fewShot.shots) {
    if (fewShotShortfall(testLabels, { ...fewShot, shots }) !== null) continue;
    const r = fewShotAccuracy(test, testLabels, { ...fewShot, shots, metric: metricForSpec(spec) });
    figures[fewShotKey(fewShot.ways, shots)] = { accuracy: r.accuracy, ci95: r.ci95, episodes: r.episodes };
  }
  return figures;
}

function labelEfficiencyCurve(spec: ResolvedSpec, epoch: number, train: EmbeddingMatrix, trainLabels: Int32Array, test: EmbeddingMatrix, testLabels: Int32Array): LabelEfficiencyPoint[] | null {
  const curve = spec.eval.labelEfficiency;
  if (curve === null || !hasTwoClasses(trainLabels)) return null;
  return labelEfficiency(train, trainLabels, test, testLabels, { ...curve, probeSeed: probeSeed(spec, epoch), knn: spec.eval.knn ?? { k: 20, temperature: 0.07 } });
}

/** `final`: the evaluation after the last epoch, the one that also draws the label-efficiency curve (it costs a few linear probes). */
export async function evaluate(parts: TrainingParts, data: SplitDataset, spec: ResolvedSpec, at: { step: number; epoch: number; time: number; final: boolean }): Promise<{ metric: EvalMetric; collapse: CollapseReport; embedded: EvaluatedEmbeddings }> {
  const layer = spec.eval.layer;
  const trainVectors = parts.embed(data.train, layer);
  const testVectors = data.test.length > 0 ? parts.embed(data.test, layer) : null;
  const train = embeddingMatrix(trainVectors, parts.outputDim(layer));
  const test: EmbeddingMatrix | null = testVectors !== null ? embeddingMatrix(testVectors, parts.outputDim(layer)) : null;
  const labels = data.dataset.labels;
  let knn: number | null = null;
  let probe: number | null = null;
  let retrieval: { precisionAt1: number; recallAtK: Record<string, number>; mapAtR: number } | null = null;
  let fewShot: Record<string, FewShotFigure> | null = null;
  let curve: LabelEfficiencyPoint[] | null = null;
  let classifierAccuracy: number | null = null;
  if (labels !== null && test !== null) {
    const trainLabels = labelsOf(labels, data.train);
    const testLabels = labelsOf(labels, data.test);
    if (spec.eval.knn) knn = knnAccuracy(train, trainLabels, test, testLabels, spec.eval.knn).accuracy;
    if (spec.eval.linearProbe && hasTwoClasses(trainLabels)) {
      probe = linearProbe(train, trainLabels, test, testLabels, { ...spec.eval.linearProbe, seed: probeSeed(spec, at.epoch) }).accuracy;
    }
    if (spec.eval.retrieval && new Set(testLabels).size < testLabels.length) {
      const r = retrievalMetrics(test, testLabels, { recallAtK: spec.eval.retrieval.recallAtK, metric: metricForSpec(spec) });
      retrieval = { precisionAt1: r.precisionAt1, recallAtK: { ...r.recallAtK }, mapAtR: r.mapAtR };
    }
    fewShot = fewShotFigures(spec, test, testLabels);
    if (at.final) curve = labelEfficiencyCurve(spec, at.epoch, train, trainLabels, test, testLabels);
    if (parts.classify !== null) {
      const predicted = parts.classify(data.test);
      classifierAccuracy = predicted.reduce((n, p, i) => n + (p === testLabels[i] ? 1 : 0), 0) / testLabels.length;
    }
  }
  const collapse = measureCollapse(test !== null && test.rows >= 2 ? test : train);
  const metric: EvalMetric = {
    kind: 'eval',
    step: at.step,
    epoch: at.epoch,
    time: at.time,
    knnAccuracy: knn,
    linearProbeAccuracy: probe,
    precisionAt1: retrieval?.precisionAt1 ?? null,
    recallAtK: retrieval?.recallAtK ?? null,
    mapAtR: retrieval?.mapAtR ?? null,
    collapseStd: collapse.std,
    collapseHealthyStd: collapse.healthyStd,
    fewShot,
    labelEfficiency: curve,
    classifierAccuracy,
  };
  return { metric, collapse, embedded: { step: at.step, layer, train: trainVectors, test: testVectors } };
}
