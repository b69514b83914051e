import { bool, num } from '../declare';

/** `normalize` of the L_p and dot distances. */
export const normalizeFlag = () => bool('L2-normalise embeddings before measuring (PML `normalize_embeddings`, default true). Without it, the network can shrink or grow vectors to game margins.', true);
/** `temperature` of the distances between softmax distributions. */
export const distributionTemperature = () => num('Softmax temperature that turns each embedding into a probability distribution before comparing; lower is sharper.', 1, { exclusiveMinimum: 0 }, [1, 0.5, 2]);
