// Walks the experiment JSON Schema the way an editor needs it: "which schema describes the value at
// this path, given the `type` already chosen in each polymorphic ingredient?". Polymorphic parts are
// `oneOf` branches picked by their `properties.type.const` (ajv's discriminator), never by trying
// every branch, so a half-written ingredient still gets the right help.

export type FieldPath = readonly (string | number)[];

/** The subset of JSON Schema keywords the editor features read. */
export interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | SchemaNode;
  readonly items?: SchemaNode | readonly SchemaNode[];
  readonly prefixItems?: readonly SchemaNode[];
  readonly oneOf?: readonly SchemaNode[];
  readonly anyOf?: readonly SchemaNode[];
  readonly allOf?: readonly SchemaNode[];
  readonly discriminator?: { readonly propertyName: string };
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly title?: string;
  readonly description?: string;
  readonly markdownDescription?: string;
  readonly markdownEnumDescriptions?: readonly string[];
  readonly enumDescriptions?: readonly string[];
  readonly deprecated?: boolean;
  readonly deprecationMessage?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly [keyword: string]: unknown;
}

/** One choice of a polymorphic ingredient: `type: <value>` and the schema that value selects. */
export interface Branch {
  readonly value: string;
  readonly schema: SchemaNode;
}

/** Says which `type` is chosen for the object at a path (from the parsed value or the cursor scan). */
export type TypeLookup = (path: FieldPath) => string | undefined;

const DISCRIMINATOR = 'type';

export class SchemaModel {
  constructor(readonly root: SchemaNode) {}

  /** Follows local `$ref`s (`#/$defs/...`); an unresolvable reference yields an empty schema. */
  resolve(node: SchemaNode | undefined): SchemaNode | undefined {
    let current = node;
    for (let hops = 0; current?.$ref !== undefined && hops < 32; hops++) {
      current = this.lookupPointer(current.$ref);
    }
    return current;
  }

  /** The branches of a discriminated `oneOf`, or undefined when the node is not polymorphic. */
  branchesOf(node: SchemaNode | undefined): Branch[] | undefined {
    const schema = this.resolve(node);
    if (!schema?.oneOf) return undefined;
    const branches: Branch[] = [];
    for (const option of schema.oneOf) {
      const resolved = this.resolve(option);
      const typeSchema = this.resolve(resolved?.properties?.[DISCRIMINATOR]);
      if (resolved === undefined || typeSchema === undefined) continue;
      const values = typeSchema.const !== undefined ? [typeSchema.const] : typeSchema.enum ?? [];
      for (const value of values) if (typeof value === 'string') branches.push({ value, schema: resolved });
    }
    return branches.length > 0 ? branches : undefined;
  }

  /** The object-shaped alternatives of a node: itself, or its non-null `oneOf`/`anyOf` options. */
  private alternatives(node: SchemaNode | undefined, chosenType: string | undefined): SchemaNode[] {
    const schema = this.resolve(node);
    if (schema === undefined) return [];
    const branches = this.branchesOf(schema);
    if (branches !== undefined) {
      const chosen = branches.find((b) => b.value === chosenType);
      return chosen ? [schema, chosen.schema] : [schema];
    }
    const options = schema.oneOf ?? schema.anyOf;
    if (options !== undefined) {
      const nested = options.flatMap((o) => this.alternatives(o, chosenType)).filter((o) => !isOnlyNull(o));
      return [schema, ...nested];
    }
    return [schema, ...(schema.allOf ?? []).flatMap((o) => this.alternatives(o, chosenType))];
  }

  /**
   * The properties an object at this schema may have. For a polymorphic ingredient without a chosen
   * type only the shared ones (normally just `type`); with one, that branch's too.
   */
  propertiesOf(node: SchemaNode | undefined, chosenType: string | undefined): Map<string, SchemaNode> {
    const result = new Map<string, SchemaNode>();
    for (const alternative of this.alternatives(node, chosenType)) {
      for (const [key, value] of Object.entries(alternative.properties ?? {})) {
        if (!result.has(key)) result.set(key, value);
      }
    }
    return result;
  }

  requiredOf(node: SchemaNode | undefined, chosenType: string | undefined): Set<string> {
    const result = new Set<string>();
    for (const alternative of this.alternatives(node, chosenType)) for (const key of alternative.required ?? []) result.add(key);
    return result;
  }

  /** The schema of array items at a given index. */
  itemsOf(node: SchemaNode | undefined, index: number): SchemaNode | undefined {
    for (const alternative of this.alternatives(node, undefined)) {
      const prefix = alternative.prefixItems ?? (Array.isArray(alternative.items) ? (alternative.items as readonly SchemaNode[]) : undefined);
      if (prefix?.[index] !== undefined) return prefix[index];
      if (alternative.items !== undefined && !Array.isArray(alternative.items)) return alternative.items as SchemaNode;
    }
    return undefined;
  }

  /** The schema describing the value at `path`, choosing polymorphic branches with `typeAt`. */
  schemaAt(path: FieldPath, typeAt: TypeLookup): SchemaNode | undefined {
    let node: SchemaNode | undefined = this.root;
    for (let depth = 0; depth < path.length && node !== undefined; depth++) {
      const segment = path[depth]!;
      if (typeof segment === 'number') {
        node = this.itemsOf(node, segment);
        continue;
      }
      const properties = this.propertiesOf(node, typeAt(path.slice(0, depth)));
      const property = properties.get(segment);
      if (property !== undefined) {
        node = property;
        continue;
      }
      const additional = this.alternatives(node, undefined).map((a) => a.additionalProperties).find((a) => typeof a === 'object');
      node = typeof additional === 'object' ? additional : undefined;
    }
    return this.resolve(node);
  }

  /** The branch a `type` value selects, for hover on the value. */
  branchFor(node: SchemaNode | undefined, value: string): Branch | undefined {
    return this.branchesOf(node)?.find((b) => b.value === value);
  }

  /** The schema's own documentation text, preferring Markdown. */
  describe(node: SchemaNode | undefined): string {
    const schema = this.resolve(node);
    return schema?.markdownDescription ?? schema?.description ?? '';
  }

  /** Whether values here are objects (so a key completion should open a nested block). */
  isObjectLike(node: SchemaNode | undefined): boolean {
    return this.alternatives(node, undefined).some((a) => includesType(a.type, 'object') || a.properties !== undefined || a.discriminator !== undefined);
  }

  isArrayLike(node: SchemaNode | undefined): boolean {
    return this.alternatives(node, undefined).some((a) => includesType(a.type, 'array') || a.items !== undefined || a.prefixItems !== undefined);
  }

  /** The literal values allowed here: enum members, consts and booleans, with their documentation. */
  literalValues(node: SchemaNode | undefined): { value: unknown; documentation: string }[] {
    const result: { value: unknown; documentation: string }[] = [];
    const seen = new Set<string>();
    const add = (value: unknown, documentation: string): void => {
      const key = JSON.stringify(value);
      if (seen.has(key)) return;
      seen.add(key);
      result.push({ value, documentation });
    };
    for (const alternative of this.alternatives(node, undefined)) {
      alternative.enum?.forEach((value, i) => add(value, alternative.markdownEnumDescriptions?.[i] ?? alternative.enumDescriptions?.[i] ?? ''));
      if (alternative.const !== undefined) add(alternative.const, this.describe(alternative));
      if (includesType(alternative.type, 'boolean')) {
        add(true, '');
        add(false, '');
      }
      if (includesType(alternative.type, 'null') && this.alternatives(node, undefined).length > 1) add(null, 'None: switches this part off.');
    }
    const schema = this.resolve(node);
    if (schema?.oneOf ?? schema?.anyOf) {
      for (const option of schema.oneOf ?? schema.anyOf ?? []) if (isOnlyNull(this.resolve(option) ?? {})) add(null, this.describe(option) || 'None: switches this part off.');
    }
    return result;
  }

  /** The default value declared here (or by the chosen branch). */
  defaultOf(node: SchemaNode | undefined): unknown {
    for (const alternative of this.alternatives(node, undefined)) if (alternative.default !== undefined) return alternative.default;
    return undefined;
  }

  /** Human text for the allowed range of a number, e.g. "0 < value ≤ 1". */
  rangeText(node: SchemaNode | undefined): string | undefined {
    for (const a of this.alternatives(node, undefined)) {
      const lower = a.exclusiveMinimum !== undefined ? `${a.exclusiveMinimum} <` : a.minimum !== undefined ? `${a.minimum} ≤` : '';
      const upper = a.exclusiveMaximum !== undefined ? `< ${a.exclusiveMaximum}` : a.maximum !== undefined ? `≤ ${a.maximum}` : '';
      if (lower !== '' || upper !== '') return [lower, 'value', upper].filter((s) => s !== '').join(' ');
    }
    return undefined;
  }

  private lookupPointer(ref: string): SchemaNode | undefined {
    if (!ref.startsWith('#')) return undefined;
    let node: unknown = this.root;
    for (const raw of ref.slice(1).split('/').filter((s) => s !== '')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    return node !== null && typeof node === 'object' ? (node as SchemaNode) : undefined;
  }
}

function includesType(type: string | readonly string[] | undefined, wanted: string): boolean {
  return type === wanted || (Array.isArray(type) && type.includes(wanted));
}

function isOnlyNull(node: SchemaNode): boolean {
  return node.type === 'null' || node.const === null;
}

/** The `type` of the object at `path` inside a parsed value (undefined when absent or not a string). */
export function typeInValue(root: unknown, path: FieldPath): string | undefined {
  let node: unknown = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const type = (node as Record<string, unknown>)[DISCRIMINATOR];
  return typeof type === 'string' ? type : undefined;
}
