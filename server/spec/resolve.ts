// Step 4 of the pipeline: a schema-valid value → the ResolvedSpec, with every default taken from the
// schema (the single source of truth) and a few derived from other fields: `data.format` from
// `data.source`, `run.name` from `experiment`, and vector-friendly augmentation views for csv/jsonl
// data. The result is deeply frozen.
import { deriveFormat, kindOf } from './dataset';
import { deref, isRecord, loadSchema, unionBranches, type JsonSchema } from './schema';
import type { AugmentationOp, DataFormat, ResolvedSpec } from './types';

/** Default views for vector data (the schema's defaults are image ops). */
export const DEFAULT_VECTOR_VIEWS: { readonly weak: readonly AugmentationOp[]; readonly strong: readonly AugmentationOp[] } = {
  weak: [{ type: 'featureNoise', probability: 1, std: 0.05 }],
  strong: [
    { type: 'featureNoise', probability: 1, std: 0.1 },
    { type: 'featureMask', probability: 1, fraction: 0.2 },
  ],
};

/** Applies defaults to a value that passed schema validation. */
export function resolveSpec(value: unknown): ResolvedSpec {
  const raw = isRecord(value) ? value : {};
  const resolved = resolveNode(loadSchema(), raw) as Record<string, Record<string, unknown>>;
  const data = resolved.data!;
  const format = (data.format as DataFormat | undefined) ?? deriveFormat(String(data.source));
  resolved.data = { ...data, format };
  resolved.run = { ...resolved.run, name: resolved.run?.name ?? raw.experiment };
  const rawPairs = isRecord(raw.pairs) ? raw.pairs : {};
  const rawViews = isRecord(rawPairs.views) ? rawPairs.views : {};
  if (kindOf(format) === 'vectors') {
    const views = resolved.pairs!.views as Record<string, unknown>;
    resolved.pairs = {
      ...resolved.pairs,
      views: {
        weak: 'weak' in rawViews ? views.weak : structuredClone(DEFAULT_VECTOR_VIEWS.weak),
        strong: 'strong' in rawViews ? views.strong : structuredClone(DEFAULT_VECTOR_VIEWS.strong),
      },
    };
  }
  return deepFreeze(resolved) as unknown as ResolvedSpec;
}

function resolveNode(node: JsonSchema, value: unknown): unknown {
  const schema = deref(node);
  if (value === null) return null;
  if (schema.discriminator && isRecord(value)) {
    const branch = unionBranches(schema).get(String(value.type));
    return branch ? resolveObject(branch, value) : structuredClone(value);
  }
  if (schema.properties && isRecord(value)) return resolveObject(schema, value);
  if (Array.isArray(value)) return value.map((item) => (schema.items ? resolveNode(schema.items, item) : structuredClone(item)));
  return value;
}

function resolveObject(schema: JsonSchema, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (key in value) out[key] = resolveNode(property, value[key]);
    else {
      const target = deref(property);
      if ('default' in target) out[key] = resolveNode(target, structuredClone(target.default));
    }
  }
  return out;
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
