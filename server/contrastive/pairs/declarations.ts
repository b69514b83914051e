// Every `pairs.negatives` and `pairs.sampler` type, in the order the schema offers them (tfjs-free).
import type { OptionsOf } from '../declare';
import { mPerClassSampler } from './mPerClassSampler.decl';
import { batchNegatives, noNegatives, queueNegatives } from './negatives.decl';
import { randomSampler } from './randomSampler.decl';

export const NEGATIVES = [batchNegatives, queueNegatives, noNegatives] as const;
export const SAMPLERS = [randomSampler, mPerClassSampler] as const;

export type NegativesOptions = OptionsOf<(typeof NEGATIVES)[number]>;
export type SamplerOptions = OptionsOf<(typeof SAMPLERS)[number]>;
