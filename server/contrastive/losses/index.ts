// Loss registry keyed by the schema's loss `type` strings.
import type { Distance } from '../distances/types';
import { BarlowTwinsLoss } from './barlow-twins';
import { CircleLoss } from './circle';
import type { LossOptions, LossType } from './declarations';
import { ContrastiveLoss } from './contrastive';
import { CrossEntropyLoss } from './cross-entropy';
import { GeneralizedLiftedStructureLoss } from './generalized-lifted-structure';
import { InfoNCELoss } from './info-nce';
import { LiftedStructureLoss } from './lifted-structure';
import { MultiSimilarityLoss } from './multi-similarity';
import { NegativeCosineLoss } from './negative-cosine';
import { NCELoss } from './nce';
import { NPairsLoss } from './n-pairs';
import { SigLIPLoss } from './siglip';
import { SoftNearestNeighborLoss } from './soft-nearest-neighbor';
import { SupConLoss } from './sup-con';
import { TripletMarginLoss } from './triplet';
import type { Loss } from './types';
import { VICRegLoss } from './vicreg';

export type { Loss, LossInput, LossInputForm } from './types';

type Factory<T extends LossType> = (spec: Extract<LossOptions, { type: T }>, distance: Distance) => Loss;

/**
 * Each loss takes the spec's loss block as its declared options (ParamsOf its declaration); the
 * distance is injected. VICReg, Barlow Twins, SigLIP and negative cosine define their own comparison.
 */
export const lossRegistry: { readonly [T in LossType]: Factory<T> } = {
  contrastive: (s, d) => new ContrastiveLoss(d, s),
  triplet: (s, d) => new TripletMarginLoss(d, s),
  nPairs: (_s, d) => new NPairsLoss(d),
  liftedStructure: (s, d) => new LiftedStructureLoss(d, s),
  generalizedLiftedStructure: (s, d) => new GeneralizedLiftedStructureLoss(d, s),
  infoNCE: (s, d) => new InfoNCELoss(d, s),
  supCon: (s, d) => new SupConLoss(d, s),
  circle: (s, d) => new CircleLoss(d, s),
  softNearestNeighbor: (s, d) => new SoftNearestNeighborLoss(d, s),
  multiSimilarity: (s, d) => new MultiSimilarityLoss(d, s),
  vicreg: (s) => new VICRegLoss(s),
  barlowTwins: (s) => new BarlowTwinsLoss(s),
  siglip: (s) => new SigLIPLoss(s),
  negativeCosine: (s) => new NegativeCosineLoss(s),
  crossEntropy: (s) => new CrossEntropyLoss(s),
  nce: (s, d) => new NCELoss(d, s),
};

export const lossTypes = Object.keys(lossRegistry) as LossType[];

export function createLoss(spec: LossOptions, distance: Distance): Loss {
  const factory = lossRegistry[spec.type] as Factory<LossType> | undefined;
  if (factory === undefined) {
    throw new Error(`Unknown loss type "${String((spec as { type: unknown }).type)}". Use one of: ${lossTypes.join(', ')}.`);
  }
  return factory(spec, distance);
}
