// Evaluation of two towers on the held-out pairs: cross-modal recall@k in both directions (the k of
// eval.retrieval.recallAtK, else 1/5/10; identical texts count as one item) and zero-shot accuracy
// (one caption per class, embedded by the text tower); the collapse monitor on each tower's outputs.
import { tf } from '../../contrastive/backend';
import { measureCollapse, type CollapseReport } from '../../contrastive/eval/collapse';
import { crossModalRecall, zeroShotAccuracy } from '../../contrastive/eval/crossModal';
import type { EvalMetric } from '../../runs/format';
import type { ResolvedSpec } from '../../spec/types';
import type { PairedSplit, SideInput } from './pairedSplit';
import type { TowerParts } from './towerParts';
import type { Tower } from './towers';

const DEFAULT_KS = [1, 5, 10];

/** A tower's embeddings of the pairs `indices`, in chunks (one tensor, the caller disposes it). */
export function embedPairs(tower: Tower, indices: Int32Array): tf.Tensor2D {
  const chunk = 1024;
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < indices.length; start += chunk) parts.push(tower.embed(indices.subarray(start, Math.min(indices.length, start + chunk)), false));
  const all = parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
  if (parts.length > 1) tf.dispose(parts);
  return all;
}

/** Identical texts are one item for recall; other sides: every row its own. */
function groupsOf(side: SideInput, indices: Int32Array): readonly string[] | null {
  return side.kind === 'text' ? Array.from(indices, (i) => side.texts[i]!) : null;
}

/** The collapse figures of the tower nearer to collapse (the smaller std relative to a spread-out output). */
function worseCollapse(x: CollapseReport, y: CollapseReport): CollapseReport {
  return x.std / x.healthyStd <= y.std / y.healthyStd ? x : y;
}

export function evaluateTowers(parts: TowerParts, data: PairedSplit, spec: ResolvedSpec, at: { step: number; epoch: number; time: number }): { metric: EvalMetric; collapse: CollapseReport } {
  const { a, b } = parts.towers;
  // Without held-out pairs, the figures come from (up to 2,000) training pairs.
  const rows = data.test.length >= 2 ? data.test : data.train.subarray(0, 2000);
  const ea = embedPairs(a, rows);
  const eb = embedPairs(b, rows);
  try {
    const ks = spec.eval.retrieval?.recallAtK ?? DEFAULT_KS;
    const recall = crossModalRecall(ea, eb, ks, groupsOf(data.a, rows), groupsOf(data.b, rows));
    let zeroShot: number | null = null;
    if (data.classCaptions !== null && data.labels !== null) {
      // The text tower embeds the class prompts; the other tower's side is classified (a text-text pair: side a).
      const [text, query] = b.tokenizer !== null ? [b, ea] : [a, eb];
      const classes = text.embedTexts(data.classCaptions)!;
      zeroShot = zeroShotAccuracy(query, classes, Int32Array.from(rows, (i) => data.labels![i]!));
      classes.dispose();
    }
    const collapse = worseCollapse(measureCollapse(ea), measureCollapse(eb));
    const metric: EvalMetric = {
      kind: 'eval',
      step: at.step,
      epoch: at.epoch,
      time: at.time,
      knnAccuracy: null,
      linearProbeAccuracy: null,
      precisionAt1: null,
      recallAtK: null,
      mapAtR: null,
      collapseStd: collapse.std,
      collapseHealthyStd: collapse.healthyStd,
      fewShot: null,
      labelEfficiency: null,
      classifierAccuracy: null,
      zeroShotAccuracy: zeroShot,
      crossModalRecallAtK: {
        aToB: Object.fromEntries(recall.map((r) => [String(r.k), r.aToB])),
        bToA: Object.fromEntries(recall.map((r) => [String(r.k), r.bToA])),
      },
    };
    return { metric, collapse };
  } finally {
    tf.dispose([ea, eb]);
  }
}
