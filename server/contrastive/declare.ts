// The vocabulary of ingredient declarations (the `*.decl.ts` file beside each implementation): a
// TypeBox schema of the ingredient's options, carrying the text the editor shows (markdownDescription,
// default, range, examples), plus the facts that rules and engines read. Declarations are tfjs-free,
// so the language server can load them without the training library.
import { Array as ArrayType, Boolean as BooleanType, Integer, Number as NumberType, Object as ObjectType, String as StringType, Unsafe, type Static, type TObject, type TProperties, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** The engines that train a resolved spec (`run.engine`), with what the schema says of each. */
export const ENGINES = ['tfjs', 'pytorch'] as const;
export type Engine = (typeof ENGINES)[number];
export const ENGINE_DESCRIPTIONS: Readonly<Record<Engine, string>> = {
  tfjs: 'TensorFlow.js, in the Contrastive Lab process (the backend is `run.backend`): nothing to install; every ingredient of the schema.',
  pytorch: 'PyTorch, in a Python process (`engines/pytorch`): needs `torch` ≥ 1.13 for the Python interpreter (`contrastiveLab.pythonPath`, env `CONTRASTIVE_LAB_PYTHON`, else `python3`). Trains on the CPU, a CUDA GPU or Apple MPS (run.device); every ingredient of the schema, as on tfjs.',
};
export function isEngine(value: string): value is Engine {
  return (ENGINES as readonly string[]).includes(value);
}

/** A deeply read-only view: resolved options are frozen. */
type DeepReadonly<T> = T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** The (frozen) value a schema describes once its defaults are filled in. */
export type Declared<S extends TSchema> = DeepReadonly<Static<S>>;

/**
 * Marks a property that has no default in a spec file but is always present once resolved (it is
 * derived from other fields). The experiment schema leaves it optional; the resolved one requires it.
 */
export const Derived: unique symbol = Symbol('contrastive-lab.derived');

export function derived<S extends TSchema>(schema: S): S {
  return Object.assign(schema, { [Derived]: true });
}

interface Range {
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
}

export const num = (markdownDescription: string, def: number, range: Range = {}, examples: readonly number[] = [def]) =>
  NumberType({ markdownDescription, default: def, ...range, examples });
export const int = (markdownDescription: string, def: number, range: Range = {}, examples: readonly number[] = [def]) =>
  Integer({ markdownDescription, default: def, ...range, examples });
export const bool = (markdownDescription: string, def: boolean) => BooleanType({ markdownDescription, default: def, examples: [def, !def] });

export const str = (markdownDescription: string, def: string | undefined, extra: Record<string, unknown> = {}) =>
  StringType({ markdownDescription, ...(def === undefined ? {} : { default: def }), ...extra });

/** A fixed group of options. */
export const object = <P extends TProperties>(markdownDescription: string, properties: P, def: unknown, extra: Record<string, unknown> = {}) =>
  ObjectType(properties, { markdownDescription, additionalProperties: false, default: def, examples: [def], ...extra });

/** An optional block: an object, or `null` to switch the feature off. */
export const optional = <P extends TProperties>(markdownDescription: string, properties: P, def: unknown, onExample: unknown): TUnsafe<Static<TObject<P>> | null> =>
  Unsafe<Static<TObject<P>> | null>({
    type: ['object', 'null'],
    markdownDescription: `${markdownDescription}\n\nSet to \`null\` to switch it off; \`{}\` switches it on with the defaults below.`,
    properties,
    additionalProperties: false,
    default: def,
    examples: [def === null ? onExample : def, null],
  });

/** A closed choice: `values` is a list of [value, description]. */
export function choice<const V extends string | number>(markdownDescription: string, def: V | undefined, values: readonly (readonly [V, string])[], type: 'string' | 'integer' = 'string'): TUnsafe<V> {
  return Unsafe<V>({
    type,
    markdownDescription,
    ...(def === undefined ? {} : { default: def }),
    enum: values.map(([v]) => v),
    markdownEnumDescriptions: values.map(([, d]) => d),
    examples: values.map(([v]) => v),
  });
}

/** A value or `null` (the feature is off / the value is absent). */
export const nullable = <T>(type: 'string' | 'integer' | 'number', markdownDescription: string, extra: Record<string, unknown>): TUnsafe<T | null> =>
  Unsafe<T | null>({ type: [type, 'null'], markdownDescription, default: null, ...extra });

/** A `[low, high]` pair. */
export const rangePair = (markdownDescription: string, def: readonly [number, number], min: number | undefined, max: number | undefined, examples: readonly (readonly [number, number])[]): TUnsafe<[number, number]> =>
  Unsafe<[number, number]>({
    type: 'array',
    markdownDescription: `${markdownDescription} Written as \`[low, high]\`; low must not exceed high.`,
    default: def,
    items: { type: 'number', ...(min === undefined ? {} : { minimum: min }), ...(max === undefined ? {} : { maximum: max }) },
    minItems: 2,
    maxItems: 2,
    examples: [def, ...examples],
  });

/** A list of layer (or channel) sizes. */
export const layerList = (markdownDescription: string, def: readonly number[], examples: readonly (readonly number[])[]) =>
  ArrayType(Integer({ minimum: 1, maximum: 16384 }), { markdownDescription, minItems: 1, default: def, examples: [def, ...examples] });

/** The chance that an augmentation op is applied. */
export const probability = (def: number) =>
  num('Chance that this op is applied to a view (0 = never, 1 = always). Lower it to keep some views closer to the original.', def, { minimum: 0, maximum: 1 }, [def, 0.5, 1]);

/** The options object of one `type` of a polymorphic ingredient. */
type VariantSchema<Name extends string, P extends TProperties> = TObject<P & { type: TUnsafe<Name> }>;

/** One declared ingredient: its `type` string, the schema of its options and its facts. */
export interface Declaration<Kind extends string = string, Name extends string = string, P extends TProperties = TProperties, Facts = unknown> {
  readonly kind: Kind;
  readonly type: Name;
  readonly schema: VariantSchema<Name, P>;
  readonly facts: Facts;
}

/** The options of the ingredients in a declaration list, as the library receives them. */
export type OptionsOf<D extends Declaration> = Declared<D['schema']>;

/** The options an implementation takes: its declared options without the `type` its class implies. */
export type ParamsOf<D extends Declaration> = Omit<OptionsOf<D>, 'type'>;

/** Declares one `type` of an ingredient kind: an object whose `type` is the constant `name`. */
function declaration<const Kind extends string, const Name extends string, P extends TProperties, Facts>(
  kind: Kind,
  name: Name,
  markdownDescription: string,
  properties: P,
  facts: Facts,
): Declaration<Kind, Name, P, Facts> {
  const tag = Unsafe<Name>({ const: name, markdownDescription: `Selects the \`${name}\` ${kind}.` });
  const schema = ObjectType({ type: tag, ...properties } as P & { type: TUnsafe<Name> }, {
    title: `${kind}: ${name}`,
    markdownDescription,
    additionalProperties: false,
    examples: [{ type: name }],
  });
  return { kind, type: name, schema, facts };
}

/** Facts every ingredient states: which engines implement it. */
export interface EngineFacts {
  readonly engines: readonly Engine[];
}
export const BOTH_ENGINES: readonly Engine[] = ['tfjs', 'pytorch'];

/** The `type` strings of a declaration list, in order. */
export function typesOf<const D extends readonly Declaration[]>(declarations: D): readonly D[number]['type'][] {
  return declarations.map((d) => d.type);
}

// ---- the facts of each kind ----------------------------------------------------------------------
export interface LossFacts extends EngineFacts {
  /** It contrasts positives with negatives, so `pairs.negatives: none` leaves it nothing to push away. */
  readonly needsNegatives: boolean;
  /** It compares embeddings through `distance` (the others compute their own similarity). */
  readonly usesDistance: boolean;
  /** It turns similarities into softmax logits (cross-entropy, no hinge), so unnormalised dot products can grow them without bound. */
  readonly softmaxLogits: boolean;
  /** A constant output (every embedding the same) already minimises it: it needs an asymmetry (prediction head + stop-gradient or an EMA target). */
  readonly minimisedByCollapse: boolean;
  /** It reads per-dimension statistics of the output (variance, cross-correlation), so a projection wider than the representation (an expander) helps. */
  readonly expander: boolean;
  /** The boolean option that gives the loss trainable parameters, or false when it never has any. */
  readonly learnable: false | string;
}
export interface AugmentationFacts extends EngineFacts {
  /** It needs pixels ([N, H, W, C]); the others work on vectors. */
  readonly imageOnly: boolean;
}
export interface BackboneFacts extends EngineFacts {
  /** It needs image input ([h, w, c]) rather than any shape. */
  readonly needsImages: boolean;
}
export interface LabelFacts extends EngineFacts {
  /** It reads the class labels, so unlabelled data (or augmentation positives) defeats it. */
  readonly needsLabels: boolean;
}

export function loss<const Name extends string, P extends TProperties>(name: Name, markdownDescription: string, properties: P, facts: LossFacts & { readonly learnable: false | (keyof P & string) }) {
  return declaration('loss', name, markdownDescription, properties, facts as LossFacts);
}
export function distance<const Name extends string, P extends TProperties>(name: Name, markdownDescription: string, properties: P, facts: EngineFacts) {
  return declaration('distance', name, markdownDescription, properties, facts);
}
export function miner<const Name extends string, P extends TProperties>(name: Name, markdownDescription: string, properties: P, facts: LabelFacts) {
  return declaration('mining', name, markdownDescription, properties, facts);
}
export function sampler<const Name extends string, P extends TProperties>(name: Name, markdownDescription: string, properties: P, facts: LabelFacts) {
  return declaration('sampler', name, markdownDescription, properties, facts);
}
export function negatives<const Name extends string, P extends TProperties>(name: Name, markdownDescription: string, properties: P, facts: EngineFacts) {
  return declaration('negatives', name, markdownDescription, properties, facts);
}
export function augmentation<const Name extends string, P extends TProperties>(name: Name, markdownDescription: string, properties: P, facts: AugmentationFacts) {
  return declaration('augmentation', name, markdownDescription, properties, facts);
}
export function backbone<const Name extends string, P extends TProperties>(name: Name, markdownDescription: string, properties: P, facts: BackboneFacts) {
  return declaration('backbone', name, markdownDescription, properties, facts);
}
export function optimizer<const Name extends string, P extends TProperties>(name: Name, markdownDescription: string, properties: P, facts: EngineFacts) {
  return declaration('optimizer', name, markdownDescription, properties, facts);
}
export function schedule<const Name extends string, P extends TProperties>(name: Name, markdownDescription: string, properties: P, facts: EngineFacts) {
  return declaration('schedule', name, markdownDescription, properties, facts);
}
