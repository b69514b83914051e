import { BOTH_ENGINES, distance } from '../declare';
import { distributionTemperature } from './options.decl';

export const jensenShannon = distance('jensenShannon', 'Jensen–Shannon divergence: the symmetric, bounded version of KL between softmax distributions.', { temperature: distributionTemperature() }, { engines: BOTH_ENGINES });
