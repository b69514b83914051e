// The resolved experiment spec: what the spec pipeline hands to the trainer and the library. Derived
// from the declaration (experiment.ts, composed from the ingredients' *.decl.ts): nothing here is
// written by hand, so the types cannot drift from the schema or the library.
import type { Declared } from '../contrastive/declare';
import type { EXPERIMENT } from './experiment';

export type ResolvedSpec = Declared<typeof EXPERIMENT>;

/** What the one-sample loaders read (`data.pairs`, the paired data of two towers, is PairsDataSpec). */
export type DataSpec = Omit<ResolvedSpec['data'], 'pairs'>;
export type PairsDataSpec = NonNullable<ResolvedSpec['data']['pairs']>;
export type DataFormat = DataSpec['format'];
export type Normalisation = DataSpec['normalize'];

export type PairsSpec = ResolvedSpec['pairs'];
export type AugmentationOp = PairsSpec['views']['weak'][number];
export type AugmentationType = AugmentationOp['type'];
export type NegativesSpec = PairsSpec['negatives'];
export type SamplerSpec = PairsSpec['sampler'];
export type MiningSpec = PairsSpec['mining'];

export type DistanceSpec = ResolvedSpec['distance'];
export type DistanceType = DistanceSpec['type'];

export type LossSpec = ResolvedSpec['loss'];
export type LossType = LossSpec['type'];

/** The one-tower network (`architecture.towers`, two towers on paired data, is TowersSpec). */
export type ArchitectureSpec = Omit<ResolvedSpec['architecture'], 'towers'>;
export type TowersSpec = NonNullable<ResolvedSpec['architecture']['towers']>;
export type TowerSpec = TowersSpec['a'];
export type BackboneSpec = ArchitectureSpec['backbone'];
export type BackboneType = BackboneSpec['type'];
export type Activation = BackboneSpec['activation'];
export type HeadSpec = NonNullable<ArchitectureSpec['projection']>;

export type StrategySpec = ResolvedSpec['strategy'];
export type OptimizerSpec = StrategySpec['optimizer'];
export type OptimizerType = OptimizerSpec['type'];
export type ScheduleSpec = StrategySpec['schedule'];
export type ScheduleType = ScheduleSpec['type'];
export type EmaSpec = NonNullable<StrategySpec['ema']>;
export type TargetTemperatureSpec = NonNullable<StrategySpec['targetTemperature']>;

export type EvalSpec = ResolvedSpec['eval'];
export type RunSpec = ResolvedSpec['run'];
export type BackendPreference = RunSpec['backend'];
