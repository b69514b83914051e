import { BOTH_ENGINES, distance } from '../declare';
import { normalizeFlag } from './options.decl';

export const cosine = distance('cosine', 'Cosine similarity (larger = closer), in [-1, 1]. The default of InfoNCE/SupCon/circle losses; insensitive to vector length.', {}, { engines: BOTH_ENGINES });
export const dot = distance('dot', 'Dot-product similarity (larger = closer). Equal to cosine when normalised; without normalisation the logits can grow without bound.', { normalize: normalizeFlag() }, { engines: BOTH_ENGINES });
