// Every loss the library implements, in the order the schema offers them (tfjs-free: the spec
// pipeline and the language server read these declarations).
import type { LossFacts, OptionsOf } from '../declare';
import { barlowTwins } from './barlow-twins.decl';
import { circle } from './circle.decl';
import { contrastive } from './contrastive.decl';
import { crossEntropy } from './cross-entropy.decl';
import { generalizedLiftedStructure } from './generalized-lifted-structure.decl';
import { infoNCE } from './info-nce.decl';
import { liftedStructure } from './lifted-structure.decl';
import { multiSimilarity } from './multi-similarity.decl';
import { negativeCosine } from './negative-cosine.decl';
import { nce } from './nce.decl';
import { nPairs } from './n-pairs.decl';
import { siglip } from './siglip.decl';
import { softNearestNeighbor } from './soft-nearest-neighbor.decl';
import { supCon } from './sup-con.decl';
import { triplet } from './triplet.decl';
import { vicreg } from './vicreg.decl';

export const LOSSES = [
  contrastive, triplet, nPairs, liftedStructure, generalizedLiftedStructure, infoNCE, supCon,
  circle, softNearestNeighbor, multiSimilarity, vicreg, barlowTwins, siglip, negativeCosine, nce, crossEntropy,
] as const;

export type LossOptions = OptionsOf<(typeof LOSSES)[number]>;
export type LossType = LossOptions['type'];

/** What a loss declares about itself (negatives, distance, softmax logits, collapse, engines). */
export function lossFacts(type: LossType): LossFacts {
  const found = LOSSES.find((declaration) => declaration.type === type);
  if (found === undefined) throw new Error(`no declaration for loss type "${type}"`);
  return found.facts;
}
