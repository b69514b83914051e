// The part of a spec that the semantic rules may read while the spec has schema errors: every subtree
// with an error is replaced by what the schema uses when it is absent (its default, or the value
// derived from other fields), unknown keys are dropped, and the result is validated again. So the
// rules only ever see schema-valid values, and the caller knows which paths hold substitutes.
import type { ErrorObject } from 'ajv';
import type { FieldPath } from './problems';
import { deref, isRecord, schemaAt, schemaValidator } from './schema';

export interface ValidPart {
  /** A schema-valid value. */
  readonly value: unknown;
  /** Paths whose value in `value` is not what the spec says (substituted, or derived from a substitute). */
  readonly replaced: readonly FieldPath[];
  /** Every path that had a schema error: the replaced ones and the unknown keys dropped. */
  readonly invalid: readonly FieldPath[];
}

/** Rounds of replace-and-revalidate; a replacement never makes a new error, so one round is the norm. */
const MAX_ROUNDS = 4;

/** Values resolveSpec derives from others: when a source is replaced, what comes from it is too. */
const DERIVED: readonly { readonly path: FieldPath; readonly from: readonly FieldPath[] }[] = [
  { path: ['run', 'name'], from: [['experiment']] },
  { path: ['data', 'format'], from: [['data', 'source']] },
  { path: ['pairs', 'views'], from: [['data', 'source'], ['data', 'format']] },
];

/** The valid part of `value` given the errors the validator reported for it; undefined when nothing is left (the root itself is invalid). */
export function validPart(value: unknown, errors: readonly ErrorObject[]): ValidPart | undefined {
  let current = structuredClone(value);
  let pending = errors;
  const replaced: FieldPath[] = [];
  const invalid: FieldPath[] = [];
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    const found = pending.map((error) => editFor(error, current));
    const edits = found.filter((edit): edit is Edit => edit !== undefined);
    if (edits.length < found.length) return undefined;
    for (const edit of minimal(edits)) {
      apply(current, edit);
      invalid.push(edit.path);
      if (edit.kind !== 'drop') replaced.push(edit.path);
    }
    const validate = schemaValidator();
    pending = validate(current) ? [] : (validate.errors ?? []);
  }
  if (pending.length > 0) return undefined;
  for (const derived of DERIVED) {
    if (derived.from.some((source) => replaced.some((path) => overlaps(path, source)))) replaced.push(derived.path);
  }
  return { value: current, replaced, invalid };
}

/** Whether one path is inside the other (or they are equal). */
export function overlaps(a: FieldPath, b: FieldPath): boolean {
  return isPrefix(a, b) || isPrefix(b, a);
}

export function isPrefix(prefix: FieldPath, path: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}

/** `drop`: an unknown key (the rules cannot read it); `remove`: an optional field falls back to its default; `set`: a required field gets an example value. */
type Edit = { readonly kind: 'drop' | 'remove'; readonly path: FieldPath } | { readonly kind: 'set'; readonly path: FieldPath; readonly value: unknown };

/** How to get rid of one error; undefined when only the whole spec could be replaced. */
function editFor(error: ErrorObject, value: unknown): Edit | undefined {
  const at = toPath(error.instancePath, value);
  if (at === undefined) return undefined;
  if (error.keyword === 'additionalProperties') return { kind: 'drop', path: [...at, String(error.params.additionalProperty)] };
  if (error.keyword === 'required') return replacement([...at, String(error.params.missingProperty)], value);
  return replacement(at, value);
}

/** The smallest replacement that covers `path`: the field itself, or the nearest enclosing field that can be replaced. */
function replacement(path: FieldPath, value: unknown): Edit | undefined {
  for (let end = path.length; end > 0; end--) {
    const key = path[end - 1]!;
    if (typeof key === 'number') continue; // a list item cannot fall back to a default: its list does
    const parentPath = path.slice(0, end - 1);
    const parent = schemaAt(parentPath, value);
    const property = parent?.properties?.[key];
    if (!parent || !property) continue;
    if (!(parent.required ?? []).includes(key)) return { kind: 'remove', path: path.slice(0, end) };
    const example = deref(property).examples?.[0];
    if (example !== undefined && example !== null) return { kind: 'set', path: path.slice(0, end), value: structuredClone(example) };
  }
  return undefined;
}

/** One edit per path, and none inside a subtree that another edit replaces. */
function minimal(edits: readonly Edit[]): Edit[] {
  const key = (path: FieldPath) => JSON.stringify(path);
  const byPath = new Map<string, Edit>();
  for (const edit of edits) if (!byPath.has(key(edit.path))) byPath.set(key(edit.path), edit);
  const replacedSubtrees = new Set([...byPath].filter(([, edit]) => edit.kind !== 'drop').map(([path]) => path));
  return [...byPath.values()].filter((edit) => !edit.path.some((_, end) => replacedSubtrees.has(key(edit.path.slice(0, end)))));
}

function apply(root: unknown, edit: Edit): void {
  let node: unknown = root;
  for (const segment of edit.path.slice(0, -1)) node = isRecord(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[segment] : undefined;
  const key = edit.path[edit.path.length - 1]!;
  if (!isRecord(node)) return; // its parent is replaced by another edit
  if (edit.kind === 'set') node[key] = edit.value;
  else delete node[key];
}

/** The field path of a JSON pointer into `value` (list indices as numbers); undefined when the pointer leaves the value. */
function toPath(pointer: string, value: unknown): FieldPath | undefined {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let current: unknown = value;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      path.push(Number(segment));
      current = current[Number(segment)];
    } else if (isRecord(current)) {
      path.push(segment);
      current = current[segment];
    } else return undefined;
  }
  return path;
}
