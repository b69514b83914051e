// Evaluation of the current network on the held-out split: weighted kNN accuracy (training
// embeddings as the memory bank), a linear probe, retrieval metrics among the held-out samples,
// and the collapse monitor. Labels are used here whenever the data has them, even when training
// does not use them. Everything is seeded by (seed, epoch), so a resumed run evaluates alike.
import type { SplitDataset } from '../contrastive/data/types';
import { measureCollapse, type CollapseReport } from '../contrastive/eval/collapse';
import { embeddingMatrix, type EmbeddingMatrix } from '../contrastive/eval/embeddingMatrix';
import { knnAccuracy } from '../contrastive/eval/knnAccuracy';
import { linearProbe } from '../contrastive/eval/linearProbe';
import { retrievalMetrics } from '../contrastive/eval/retrieval';
import type { EvalMetric } from '../runs/format';
import type { ResolvedSpec } from '../spec/types';
import { metricForSpec } from './neighbors';
import type { TrainingParts } from './parts';

function labelsOf(all: Int32Array, indices: Int32Array): Int32Array {
  return Int32Array.from(indices, (i) => all[i]!);
}

function hasTwoClasses(labels: Int32Array): boolean {
  return labels.length > 1 && labels.some((l) => l !== labels[0]);
}

export async function evaluate(parts: TrainingParts, data: SplitDataset, spec: ResolvedSpec, at: { step: number; epoch: number; time: number }): Promise<{ metric: EvalMetric; collapse: CollapseReport }> {
  const layer = spec.eval.layer;
  const train = embeddingMatrix(parts.embed(data.train, layer), parts.outputDim(layer));
  const test: EmbeddingMatrix | null = data.test.length > 0 ? embeddingMatrix(parts.embed(data.test, layer), parts.outputDim(layer)) : null;
  const labels = data.dataset.labels;
  let knn: number | null = null;
  let probe: number | null = null;
  let retrieval: { precisionAt1: number; recallAtK: Record<string, number>; mapAtR: number } | null = null;
  if (labels !== null && test !== null) {
    const trainLabels = labelsOf(labels, data.train);
    const testLabels = labelsOf(labels, data.test);
    if (spec.eval.knn) knn = knnAccuracy(train, trainLabels, test, testLabels, spec.eval.knn).accuracy;
    if (spec.eval.linearProbe && hasTwoClasses(trainLabels)) {
      probe = linearProbe(train, trainLabels, test, testLabels, { ...spec.eval.linearProbe, seed: (spec.strategy.seed * 7919 + at.epoch) >>> 0 }).accuracy;
    }
    if (spec.eval.retrieval && new Set(testLabels).size < testLabels.length) {
      const r = retrievalMetrics(test, testLabels, { recallAtK: spec.eval.retrieval.recallAtK, metric: metricForSpec(spec) });
      retrieval = { precisionAt1: r.precisionAt1, recallAtK: { ...r.recallAtK }, mapAtR: r.mapAtR };
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
  };
  return { metric, collapse };
}
