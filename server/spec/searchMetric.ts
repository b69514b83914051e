// How a run compares embeddings when it searches them (neighbours, retrieval, few-shot, the
// timeline): cosine for normalised outputs and similarity distances, euclidean for the L-p family
// on raw outputs. Pure, so the editor's side can use it without the tensor library.
import type { ResolvedSpec } from './types';

export type SpecSearchMetric = 'cosine' | 'euclidean';

export function metricForSpec(spec: ResolvedSpec): SpecSearchMetric {
  const d = spec.distance;
  const euclideanFamily = (d.type === 'euclidean' || d.type === 'squaredEuclidean' || d.type === 'manhattan') && !d.normalize && !spec.architecture.normalizeOutput;
  return euclideanFamily ? 'euclidean' : 'cosine';
}
