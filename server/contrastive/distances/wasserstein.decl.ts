import { BOTH_ENGINES, distance } from '../declare';
import { distributionTemperature } from './options.decl';

export const wasserstein = distance('wasserstein', 'Wasserstein-1 distance between the softmax distributions, treating coordinates as ordered bins (1-D earth mover\'s distance).', { temperature: distributionTemperature() }, { engines: BOTH_ENGINES });
