import { BOTH_ENGINES, miner } from '../declare';
import { tripletMargin } from './margin.decl';

export const hard = miner('hard', 'Hard triplets: the negative is at least as close as the positive (d(a,n) ≤ d(a,p)). The most informative triplets and the noisiest: label errors surface here first. PML `TripletMarginMiner(type_of_triplets="hard")`; the margin does not change this selection.', { margin: tripletMargin(0.2) }, { needsLabels: true, engines: BOTH_ENGINES });
export const semiHard = miner('semiHard', 'Semi-hard triplets (FaceNet, Schroff et al. 2015): negatives farther than the positive but inside the margin (d(a,p) < d(a,n) ≤ d(a,p) + margin). Stabler than hard mining.', { margin: tripletMargin(0.2) }, { needsLabels: true, engines: BOTH_ENGINES });
export const easy = miner('easy', 'Easy triplets: already satisfied by the margin (d(a,n) > d(a,p) + margin). They carry no gradient for a hinge loss; mostly useful for diagnosis.', { margin: tripletMargin(0.2) }, { needsLabels: true, engines: BOTH_ENGINES });
export const all = miner('all', 'Every triplet that violates the margin (d(a,n) ≤ d(a,p) + margin): hard and semi-hard together (PML `type_of_triplets="all"`).', { margin: tripletMargin(0.2) }, { needsLabels: true, engines: BOTH_ENGINES });
