// Distance registry keyed by the schema's distance `type` strings.
import type { DistanceOptions, DistanceType } from './declarations';
import { DotProductSimilarity } from './dot';
import { JensenShannonDivergence } from './jensen-shannon';
import { KLDivergence } from './kl';
import { LpDistance } from './lp';
import type { Distance } from './types';
import { Wasserstein1D } from './wasserstein';

export type { Distance, DistributionDistance } from './types';

type Factory<T extends DistanceType> = (spec: Extract<DistanceOptions, { type: T }>) => Distance;

export const distanceRegistry: { readonly [T in DistanceType]: Factory<T> } = {
  euclidean: (s) => new LpDistance({ p: 2, normalize: s.normalize, power: 1 }),
  squaredEuclidean: (s) => new LpDistance({ p: 2, normalize: s.normalize, power: 2 }),
  manhattan: (s) => new LpDistance({ p: 1, normalize: s.normalize, power: 1 }),
  cosine: () => new DotProductSimilarity('cosine', true),
  dot: (s) => new DotProductSimilarity('dot', s.normalize),
  kl: (s) => new KLDivergence(s.temperature),
  jensenShannon: (s) => new JensenShannonDivergence(s.temperature),
  wasserstein: (s) => new Wasserstein1D(s.temperature),
};

export const distanceTypes = Object.keys(distanceRegistry) as DistanceType[];

export function createDistance(spec: DistanceOptions): Distance {
  const factory = distanceRegistry[spec.type] as Factory<DistanceType> | undefined;
  if (factory === undefined) {
    throw new Error(`Unknown distance type "${String((spec as { type: unknown }).type)}". Use one of: ${distanceTypes.join(', ')}.`);
  }
  return factory(spec);
}
