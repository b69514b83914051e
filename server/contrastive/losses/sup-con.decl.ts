import { BOTH_ENGINES, loss } from '../declare';
import { temperatureOf } from './temperature.decl';

export const supCon = loss('supCon', 'Supervised contrastive loss (Khosla et al. 2020): InfoNCE where every same-class sample is a positive. Usually beats cross-entropy features and triplet losses; the default recipe. PML `SupConLoss`.', {
  temperature: temperatureOf(0.1, 'Softmax temperature τ (PML default 0.1).'),
}, { needsNegatives: true, usesDistance: true, softmaxLogits: true, minimisedByCollapse: false, expander: false, learnable: false, engines: BOTH_ENGINES });
