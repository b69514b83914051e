import { BOTH_ENGINES, bool, loss } from '../declare';
import { temperatureOf } from './temperature.decl';

export const softNearestNeighbor = loss('softNearestNeighbor', 'Soft nearest neighbour loss (Frosst, Papernot & Hinton 2019): the log-probability that a sample\'s stochastic neighbour has its class; measures and optimises class entanglement.', {
  temperature: temperatureOf(1, 'Temperature T of the neighbour distribution (default 1).'),
  learnTemperature: bool('Learn T during training instead of keeping it fixed.', false),
}, { needsNegatives: true, usesDistance: true, softmaxLogits: true, minimisedByCollapse: false, expander: false, learnable: 'learnTemperature', engines: BOTH_ENGINES });
