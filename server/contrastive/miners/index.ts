// Miner registry keyed by the schema's mining `type` strings ('none' = no miner: all pairs).
import type { Distance } from '../distances/types';
import { BatchHardMiner } from './batch-hard';
import type { MiningOptions, MiningType } from './declarations';
import { MultiSimilarityMiner } from './multi-similarity';
import { TripletMarginMiner } from './triplet-margin';
import type { Miner } from './types';

export type { MinedPairs, MinedTriplets, MinedTuples, Miner, MinerInput } from './types';

type Factory<T extends MiningType> = (spec: Extract<MiningOptions, { type: T }>, distance: Distance) => Miner | null;

export const minerRegistry: { readonly [T in MiningType]: Factory<T> } = {
  none: () => null,
  batchHard: (_s, d) => new BatchHardMiner(d),
  all: (s, d) => new TripletMarginMiner(d, 'all', s.margin),
  hard: (s, d) => new TripletMarginMiner(d, 'hard', s.margin),
  semiHard: (s, d) => new TripletMarginMiner(d, 'semiHard', s.margin),
  easy: (s, d) => new TripletMarginMiner(d, 'easy', s.margin),
  multiSimilarity: (s, d) => new MultiSimilarityMiner(d, s.epsilon),
};

export const miningTypes = Object.keys(minerRegistry) as MiningType[];

/** The miner for `spec`, or null for `none` (losses then use every pair / triplet of the batch). */
export function createMiner(spec: MiningOptions, distance: Distance): Miner | null {
  const factory = minerRegistry[spec.type] as Factory<MiningType> | undefined;
  if (factory === undefined) {
    throw new Error(`Unknown mining type "${String((spec as { type: unknown }).type)}". Use one of: ${miningTypes.join(', ')}.`);
  }
  return factory(spec, distance);
}
