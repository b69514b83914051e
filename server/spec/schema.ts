// Access to schemas/experiment.schema.json: the parsed schema (for completion, hover and docs) and
// its validator, precompiled by schemas/generate.ts (no code is compiled at run time). Both are
// bundled into every entry point, so they are found from any install location.
import schemaJson from '../../schemas/experiment.schema.json';
import validateSchema from './generated/validate-schema';

/** The subset of JSON Schema this project's schema uses. */
export interface JsonSchema {
  readonly $id?: string;
  readonly $ref?: string;
  readonly title?: string;
  readonly type?: string | readonly string[];
  readonly markdownDescription?: string;
  readonly default?: unknown;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly markdownEnumDescriptions?: readonly string[];
  readonly examples?: readonly unknown[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly items?: JsonSchema;
  readonly oneOf?: readonly JsonSchema[];
  readonly discriminator?: { readonly propertyName: string };
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
}

const schema = schemaJson as unknown as JsonSchema;

/** The parsed experiment schema (shared, do not mutate). */
export function loadSchema(): JsonSchema {
  return schema;
}

export const SCHEMA_ID: string = schema.$id ?? '';
export const SCHEMA_TITLE: string = schema.title ?? '';
/** The schema's top-level example specs. */
export const SCHEMA_EXAMPLES: readonly unknown[] = schema.examples ?? [];

/** The validator: all errors, discriminated unions keyed on `type`. */
export function schemaValidator(): typeof validateSchema {
  return validateSchema;
}

/** Follows a local `$ref` (`#/$defs/...`); other schemas are returned as they are. */
export function deref(node: JsonSchema): JsonSchema {
  if (!node.$ref) return node;
  const name = node.$ref.replace(/^#\/\$defs\//, '');
  const target = schema.$defs?.[name];
  if (!target) throw new Error(`schema: unresolved $ref ${node.$ref}`);
  return target;
}

/** The branches of a discriminated union, keyed by their `type` constant. */
export function unionBranches(node: JsonSchema): ReadonlyMap<string, JsonSchema> {
  const branches = new Map<string, JsonSchema>();
  for (const ref of deref(node).oneOf ?? []) {
    const branch = deref(ref);
    const tag = branch.properties?.type?.const;
    if (typeof tag === 'string') branches.set(tag, branch);
  }
  return branches;
}

/**
 * The schema that describes the value at `path` of a spec whose value is `value` (discriminated
 * unions are followed through the `type` written in the value). Undefined when the path leaves the schema.
 */
export function schemaAt(path: readonly (string | number)[], value: unknown): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  let current: unknown = value;
  for (const segment of path) {
    if (!node) return undefined;
    node = deref(node);
    if (node.discriminator) node = branchFor(node, current) ?? node;
    if (typeof segment === 'number') node = node.items;
    else node = node.properties?.[segment];
    current = isRecord(current) || Array.isArray(current) ? (current as Record<string | number, unknown>)[segment] : undefined;
  }
  if (!node) return undefined;
  node = deref(node);
  return node.discriminator ? (branchFor(node, current) ?? node) : node;
}

function branchFor(node: JsonSchema, value: unknown): JsonSchema | undefined {
  const tag = isRecord(value) ? value.type : undefined;
  return typeof tag === 'string' ? unionBranches(node).get(tag) : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
