import { BOTH_ENGINES, sampler } from '../declare';

export const randomSampler = sampler('random', 'Uniform shuffling. With few classes and large batches every class has several members in a batch anyway; the right choice for unlabelled data.', {}, { needsLabels: false, engines: BOTH_ENGINES });
