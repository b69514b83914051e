// Sizes of the network's outputs, shared by the rules that compare them.
import type { ResolvedSpec } from '../types';

/** Output size of the target branch: the projection head's, or the representation's when there is none. */
export function targetSize(spec: ResolvedSpec): number {
  const projection = spec.architecture.projection;
  return projection ? projection.layers[projection.layers.length - 1]! : spec.architecture.representationSize;
}

/** The largest power of two ≤ n (at least `floor`). */
export function powerOfTwoBelow(n: number, floor = 2): number {
  let p = floor;
  while (p * 2 <= n) p *= 2;
  return p;
}
