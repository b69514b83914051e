// Every optimiser, in the order the schema offers them (tfjs-free).
import type { OptionsOf } from '../declare';
import { adam, adamw } from './adam.decl';
import { lars } from './lars.decl';
import { sgd } from './sgd.decl';

export const OPTIMIZERS = [sgd, adam, adamw, lars] as const;

export type OptimizerOptions = OptionsOf<(typeof OPTIMIZERS)[number]>;
export type OptimizerType = OptimizerOptions['type'];
