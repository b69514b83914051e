import { BOTH_ENGINES, distance } from '../declare';
import { normalizeFlag } from './options.decl';

export const euclidean = distance('euclidean', 'Euclidean (L2) distance. The classic choice for margin losses (contrastive, triplet); with normalisation it lies in [0, 2].', { normalize: normalizeFlag() }, { engines: BOTH_ENGINES });
export const squaredEuclidean = distance('squaredEuclidean', 'Squared Euclidean distance: like euclidean but penalises far pairs more; its gradient does not vanish at zero.', { normalize: normalizeFlag() }, { engines: BOTH_ENGINES });
export const manhattan = distance('manhattan', 'Manhattan (L1) distance. More robust to a few large coordinate differences than L2.', { normalize: normalizeFlag() }, { engines: BOTH_ENGINES });
