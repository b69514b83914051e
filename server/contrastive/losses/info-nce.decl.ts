import { BOTH_ENGINES, loss } from '../declare';
import { temperatureOf } from './temperature.decl';

export const infoNCE = loss('infoNCE', 'InfoNCE / NT-Xent (SimCLR, Chen et al. 2020; CPC): a softmax that picks the positive among all negatives. The standard self-supervised loss; needs many negatives (large batches or a queue). PML `NTXentLoss`.', {
  temperature: temperatureOf(0.07, 'Softmax temperature τ (PML default 0.07). Lower τ focuses on hard negatives but can make training unstable; SimCLR used 0.1–0.5 with large batches.'),
}, { needsNegatives: true, usesDistance: true, softmaxLogits: true, minimisedByCollapse: false, expander: false, learnable: false, engines: BOTH_ENGINES });
