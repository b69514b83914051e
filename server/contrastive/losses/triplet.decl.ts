import { BOTH_ENGINES, bool, loss, num } from '../declare';

export const triplet = loss('triplet', 'Triplet margin loss (FaceNet, Schroff et al. 2015): d(a,p) − d(a,n) + margin, averaged over triplets with a positive loss. Pair it with `mining` (batchHard, semiHard) — random triplets are mostly easy. PML `TripletMarginLoss`.', {
  margin: num('Desired gap between negative and positive distances (PML default 0.05). Larger margins separate classes more but can stall training.', 0.05, { minimum: 0 }, [0.05, 0.1, 0.2]),
  swap: bool('Use the distance positive→negative when it is smaller than anchor→negative ("distance swap", Balntas et al. 2016).', false),
  smoothLoss: bool('Use log(1 + exp(·)) instead of the hinge: smoother, never exactly zero.', false),
}, { needsNegatives: true, usesDistance: true, softmaxLogits: false, minimisedByCollapse: false, expander: false, learnable: false, engines: BOTH_ENGINES });
