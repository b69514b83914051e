import { BOTH_ENGINES, choice, loss } from '../declare';

export const negativeCosine = loss('negativeCosine', 'Negative cosine similarity between the online prediction and the target projection (BYOL, Grill et al. 2020; SimSiam, Chen & He 2021). Needs a prediction head and either `stopGradient` or an EMA target, or it collapses to a constant.', {
  form: choice('Scaling of the loss.', 'simsiam', [
    ['simsiam', 'SimSiam: −cos(p, z), symmetrised; ranges over [−1, 1].'],
    ['byol', 'BYOL: 2 − 2·cos(p, z) (the MSE of normalised vectors); ranges over [0, 4].'],
  ]),
}, { needsNegatives: false, usesDistance: false, softmaxLogits: false, minimisedByCollapse: true, expander: false, learnable: false, engines: BOTH_ENGINES });
