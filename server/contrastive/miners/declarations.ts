// Every `pairs.mining` type, in the order the schema offers them (tfjs-free).
import type { OptionsOf } from '../declare';
import { batchHard } from './batch-hard.decl';
import { multiSimilarityMiner } from './multi-similarity.decl';
import { noMining } from './none.decl';
import { all, easy, hard, semiHard } from './triplet-margin.decl';

export const MINERS = [noMining, batchHard, hard, semiHard, easy, all, multiSimilarityMiner] as const;

export type MiningOptions = OptionsOf<(typeof MINERS)[number]>;
export type MiningType = MiningOptions['type'];
