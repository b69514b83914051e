// Every distance the library implements, in the order the schema offers them (tfjs-free).
import type { OptionsOf } from '../declare';
import { cosine, dot } from './dot.decl';
import { jensenShannon } from './jensen-shannon.decl';
import { kl } from './kl.decl';
import { euclidean, manhattan, squaredEuclidean } from './lp.decl';
import { wasserstein } from './wasserstein.decl';

export const DISTANCES = [euclidean, squaredEuclidean, cosine, dot, manhattan, kl, jensenShannon, wasserstein] as const;

export type DistanceOptions = OptionsOf<(typeof DISTANCES)[number]>;
export type DistanceType = DistanceOptions['type'];
