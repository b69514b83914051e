// What a `sweep:` block means, for the rules, the language server and the expander alike: the spec
// paths it may name, each value checked against its path's own schema, the number of runs, and
// the assignment of child i (grid: the i-th combination; random: draws seeded by (seed, i), so a
// sweep extended later draws the same first runs).
import { Random } from '../contrastive/random';
import { parseSpecText } from './parse';
import type { FieldPath } from './problems';
import { showPath } from './report';
import { deref, isRecord, loadSchema, unionBranches, type JsonSchema } from './schema';
import type { SweepParameter } from './sweep.decl';
import type { ResolvedSpec } from './types';
import { validateAgainstSchema } from './validate';

export type SweepSpec = NonNullable<ResolvedSpec['sweep']>;
/** The value of each swept path (dotted) in one child run. */
export type Assignment = Readonly<Record<string, unknown>>;

/** `strategy.optimizer.learningRate` → ['strategy', 'optimizer', 'learningRate']; `pairs.views.strong.0.probability` has an index. */
export function pathOf(dotted: string): FieldPath {
  return dotted.split('.').map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

/** A union's branch for the `type` written in `value`, else for its default's (an unwritten `strategy.optimizer` is the default adam). */
function branchOf(schema: JsonSchema, value: unknown): JsonSchema {
  if (!schema.discriminator) return schema;
  const branches = unionBranches(schema);
  const written = isRecord(value) && typeof value.type === 'string' ? branches.get(value.type) : undefined;
  return written ?? branches.get(String(isRecord(schema.default) ? schema.default.type : '')) ?? schema;
}

/** The property schema at `path` (a union not yet narrowed to a branch); undefined when the spec has no such path. */
function propertyAt(path: FieldPath, specValue: unknown): JsonSchema | undefined {
  let node: JsonSchema | undefined = loadSchema();
  let value: unknown = specValue;
  for (const segment of path) {
    if (node === undefined) return undefined;
    node = branchOf(deref(node), value);
    // Own properties only: a path such as `__proto__.x` names nothing in the schema.
    node = typeof segment === 'number' ? node.items : node.properties !== undefined && Object.hasOwn(node.properties, segment) ? node.properties[segment] : undefined;
    value = isRecord(value) || Array.isArray(value) ? (value as Record<string | number, unknown>)[segment] : undefined;
  }
  return node === undefined ? undefined : deref(node);
}

/** The schema of the value at a dotted path of a spec whose value is `specValue`; undefined when the spec has no such path (or names the sweep itself). */
export function sweptSchema(dotted: string, specValue: unknown): JsonSchema | undefined {
  const path = pathOf(dotted);
  if (path[0] === 'sweep' || path.some((s) => s === '')) return undefined;
  const node = propertyAt(path, specValue);
  if (node === undefined) return undefined;
  let value: unknown = specValue;
  for (const segment of path) value = isRecord(value) || Array.isArray(value) ? (value as Record<string | number, unknown>)[segment] : undefined;
  return branchOf(node, value);
}

/** Every path a sweep may name in this spec (objects too: `loss` may take whole ingredients), following the `type`s the spec has chosen. */
export function sweepablePaths(specValue: unknown): string[] {
  const out: string[] = [];
  const walk = (node: JsonSchema, value: unknown, prefix: string): void => {
    const schema = branchOf(deref(node), value);
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (prefix === '' && key === 'sweep') continue;
      const path = prefix === '' ? key : `${prefix}.${key}`;
      out.push(path);
      walk(child, isRecord(value) ? value[key] : undefined, path);
    }
  };
  walk(loadSchema(), specValue, '');
  return out;
}

/** The spec value with each swept path set (parents created as needed) and no `sweep` block, unless `trial` names one. */
export function applyAssignment(specValue: unknown, assignment: Assignment, sweep: unknown = undefined): Record<string, unknown> {
  const out = structuredClone(isRecord(specValue) ? specValue : {});
  delete out.sweep;
  for (const [dotted, value] of Object.entries(assignment)) {
    const path = pathOf(dotted);
    let node: Record<string | number, unknown> = out;
    for (let i = 0; i < path.length - 1; i++) {
      const segment = path[i]!;
      const next = node[segment];
      if (!isRecord(next) && !Array.isArray(next)) {
        // An unwritten parent starts as its default, so an unwritten ingredient keeps its default `type`.
        const fallback = propertyAt(path.slice(0, i + 1), out)?.default;
        node[segment] = isRecord(fallback) || Array.isArray(fallback) ? structuredClone(fallback) : {};
      }
      node = node[segment] as Record<string | number, unknown>;
    }
    node[path[path.length - 1]!] = structuredClone(value);
  }
  if (sweep !== undefined) out.sweep = sweep;
  return out;
}

/**
 * What the schema says about `value` written at a dotted path of this spec: one sentence per problem
 * the value brings (those of the base spec are not its fault), empty when valid. A value can break
 * a neighbour too: `loss.type: triplet` makes a `temperature` beside it unknown.
 */
export function valueProblems(specValue: unknown, dotted: string, value: unknown): string[] {
  const problemsOf = (assignment: Assignment): string[] => {
    const { document } = parseSpecText(JSON.stringify(applyAssignment(specValue, assignment)), 'sweep-value.json');
    return validateAgainstSchema(document).problems.map((p) => `${showPath(p.path)}: ${p.message}`);
  };
  const before = new Set(problemsOf({}));
  return problemsOf({ [dotted]: value }).filter((p) => !before.has(p));
}

/** The values a parameter contributes to a grid (a range: `steps` points, ends included; rounded on integer paths). */
export function gridValues(parameter: SweepParameter, integer: boolean): unknown[] {
  if ('values' in parameter) return [...parameter.values];
  const { min, max, log = false, steps = 3 } = parameter.range;
  const points = Array.from({ length: steps }, (_, i) => {
    const t = steps === 1 ? 0 : i / (steps - 1);
    return log ? Math.exp(Math.log(min) + t * (Math.log(max) - Math.log(min))) : min + t * (max - min);
  });
  return dedupe(points.map((v) => tidy(v, integer)));
}

/** One draw from a parameter: a uniform choice of its values, or a (log-)uniform number in its range. */
function draw(parameter: SweepParameter, integer: boolean, random: Random): unknown {
  if ('values' in parameter) return parameter.values[random.nextInt(parameter.values.length)];
  const { min, max, log = false } = parameter.range;
  const t = random.nextFloat();
  return tidy(log ? Math.exp(Math.log(min) + t * (Math.log(max) - Math.log(min))) : min + t * (max - min), integer);
}

/** Rounded on integer paths; otherwise 6 significant digits, so spec.json and the table stay readable. */
function tidy(value: number, integer: boolean): number {
  return integer ? Math.round(value) : Number(value.toPrecision(6));
}

function dedupe(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((v) => !seen.has(JSON.stringify(v)) && seen.add(JSON.stringify(v)) !== undefined);
}

function isIntegerPath(dotted: string, specValue: unknown): boolean {
  const type = sweptSchema(dotted, specValue)?.type;
  return type === 'integer' || (Array.isArray(type) && type.includes('integer') && !type.includes('number'));
}

/** How many runs the sweep trains: the product of the grid's lengths, or `count` draws. */
export function sweepRunCount(sweep: Pick<SweepSpec, 'strategy' | 'count' | 'parameters'>, specValue: unknown): number {
  if (sweep.strategy === 'random') return sweep.count;
  return Object.entries(sweep.parameters).reduce((n, [dotted, p]) => n * gridValues(p, isIntegerPath(dotted, specValue)).length, 1);
}

/**
 * The assignments of children `from` up to (not including) `to`. Grid children are the combinations
 * in order (the last parameter varies fastest); random child i draws from a generator seeded by
 * (seed, i), so it is the same whatever else the sweep was asked for.
 */
export function assignments(sweep: Pick<SweepSpec, 'strategy' | 'seed' | 'parameters'>, specValue: unknown, from: number, to: number): Assignment[] {
  const entries = Object.entries(sweep.parameters);
  const integer = entries.map(([dotted]) => isIntegerPath(dotted, specValue));
  const out: Assignment[] = [];
  if (sweep.strategy === 'random') {
    for (let i = from; i < to; i++) {
      const random = new Random(Math.imul(sweep.seed + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b));
      out.push(Object.fromEntries(entries.map(([dotted, p], k) => [dotted, draw(p, integer[k]!, random)])));
    }
    return out;
  }
  const lists = entries.map(([dotted, p], k) => [dotted, gridValues(p, integer[k]!)] as const);
  for (let i = from; i < to; i++) {
    let rest = i;
    const assignment: Record<string, unknown> = {};
    for (let k = lists.length - 1; k >= 0; k--) {
      const [dotted, values] = lists[k]!;
      assignment[dotted] = values[rest % values.length];
      rest = Math.floor(rest / values.length);
    }
    if (rest > 0) break; // past the last combination
    out.push(Object.fromEntries(entries.map(([dotted]) => [dotted, assignment[dotted]])));
  }
  return out;
}

/** The parameter block as written, when it is shaped like one (the rules and the code lens read half-valid specs). */
export function asParameter(value: unknown): SweepParameter | undefined {
  if (!isRecord(value)) return undefined;
  if (Array.isArray(value.values) && value.values.length > 0) return { values: value.values };
  const range = value.range;
  if (isRecord(range) && typeof range.min === 'number' && typeof range.max === 'number') {
    return { range: { min: range.min, max: range.max, log: range.log === true, steps: typeof range.steps === 'number' && Number.isInteger(range.steps) && range.steps >= 2 ? range.steps : 3 } };
  }
  return undefined;
}
