import { BOTH_ENGINES, distance } from '../declare';
import { distributionTemperature } from './options.decl';

export const kl = distance('kl', 'Kullback–Leibler divergence between softmax distributions of the two embeddings. Asymmetric and not a metric: margin losses that assume a metric behave oddly with it.', { temperature: distributionTemperature() }, { engines: BOTH_ENGINES });
