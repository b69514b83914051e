// Step 2 of the pipeline: the parsed value against the JSON Schema (ajv, all errors). Each ajv error
// becomes a located problem that names the field, says what is allowed, suggests the closest word
// for typos and, where the fix is certain enough, carries it.
import type { ErrorObject } from 'ajv';
import type { SpecDocument } from './document';
import { fix, renameKey, setField } from './edits';
import type { FieldPath, SpecProblem } from './problems';
import { makeProblem, showPath } from './report';
import { isRecord, schemaAt, schemaValidator, unionBranches, type JsonSchema } from './schema';
import { closest } from './suggest';

/** Beyond this, further schema problems are summarised in one (a broken file should not flood the editor). */
export const MAX_SCHEMA_PROBLEMS = 200;

export interface SchemaCheck {
  readonly problems: SpecProblem[];
  /** The validator's own errors (what valid-part.ts replaces). */
  readonly errors: readonly ErrorObject[];
}

export function validateAgainstSchema(document: SpecDocument): SchemaCheck {
  const validate = schemaValidator();
  if (validate(document.value)) return { problems: [], errors: [] };
  const errors = validate.errors ?? [];
  return { problems: toProblems(document, errors), errors };
}

function toProblems(document: SpecDocument, errors: readonly ErrorObject[]): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const problem = toProblem(document, error, errors);
    if (!problem) continue;
    const key = `${showPath(problem.path)}|${problem.ruleId}|${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  if (problems.length > MAX_SCHEMA_PROBLEMS) {
    const rest = problems.length - MAX_SCHEMA_PROBLEMS;
    const last = problems[MAX_SCHEMA_PROBLEMS - 1]!;
    return [...problems.slice(0, MAX_SCHEMA_PROBLEMS), { ...last, ruleId: 'schema/too-many', message: `…and ${rest} more schema problems; fix the ones above first.`, fixes: [], related: [] }];
  }
  return problems;
}

function toProblem(document: SpecDocument, error: ErrorObject, all: readonly ErrorObject[]): SpecProblem | undefined {
  const path = toPath(error.instancePath, document.value);
  const where = showPath(path);
  const ruleId = `schema/${error.keyword}`;
  const actual = valueAt(document.value, path);
  const base = { path, ruleId, severity: 'error' as const };
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const parent = schemaAt(path, document.value);
      const allowed = Object.keys(parent?.properties ?? {}).filter((k) => k !== 'type');
      const suggestion = closest(key, allowed);
      const owner = path.length === 0 ? 'the spec' : isRecord(actual) && typeof actual.type === 'string' ? `\`${where}\` (type \`${actual.type}\`)` : `\`${where}\``;
      const options = allowed.length > 0 ? ` Options here: ${allowed.join(', ')}.` : ` \`${actual && isRecord(actual) ? String(actual.type) : ''}\` takes no options besides \`type\`.`;
      return makeProblem(document, {
        ...base,
        path: [...path, key],
        onKey: true,
        message: `Unknown option \`${key}\` in ${owner}.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}${options}`,
        fixes: suggestion ? fix(`Rename to \`${suggestion}\``, renameKey(document, [...path, key], suggestion)) : [],
      });
    }
    case 'required': {
      const missing = String(error.params.missingProperty);
      const parent = schemaAt(path, document.value);
      if (missing === 'type' && parent?.discriminator) {
        const branches = unionBranches(parent);
        const types = [...branches.keys()];
        const likely = bestFittingType(branches, isRecord(actual) ? Object.keys(actual) : []);
        return makeProblem(document, { ...base, onKey: true, message: `\`${where}\` needs a \`type\`: one of ${types.join(', ')}.`, fixes: fix(`Add \`type: ${likely}\``, setField(document, [...path, 'type'], likely)) });
      }
      if (path.length === 0 && missing === 'experiment') {
        const name = document.file.replace(/^.*[\\/]/, '').replace(/\.contrastive\.(ya?ml|json)$|\.(ya?ml|json)$/i, '') || 'my-experiment';
        return makeProblem(document, { ...base, path: ['experiment'], message: 'A spec must name its experiment: add `experiment: <name>` at the top.', fixes: fix(`Add \`experiment: ${name}\``, setField(document, ['experiment'], name)) });
      }
      return makeProblem(document, { ...base, onKey: true, message: `\`${where}\` is missing the required option \`${missing}\`.` });
    }
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const suggestion = typeof actual === 'string' || typeof actual === 'number' ? closest(String(actual), allowed) : undefined;
      const what = path[path.length - 1] === 'type' ? `a known ${ingredientKind(path, document.value)} type` : 'one of the allowed values';
      const suggested = suggestion === undefined ? undefined : allowed.includes(suggestion) ? (error.params.allowedValues as unknown[])[allowed.indexOf(suggestion)] : undefined;
      return makeProblem(document, {
        ...base,
        message: `\`${where}\` must be ${what}, not ${show(actual)}.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''} Allowed: ${allowed.join(', ')}.`,
        fixes: suggested === undefined ? [] : fix(`Change to \`${suggestion}\``, setField(document, path, suggested)),
      });
    }
    case 'discriminator': {
      if (all.some((e) => e.instancePath === `${error.instancePath}/type`)) return undefined;
      // A missing `type` is already reported (with a fix) by its `required` error.
      if (all.some((e) => e.keyword === 'required' && e.instancePath === error.instancePath && e.params.missingProperty === 'type')) return undefined;
      const types = [...unionBranches(schemaAt(path, document.value) ?? {}).keys()];
      return makeProblem(document, { ...base, path: [...path, 'type'], message: `\`${where}.type\` must be a string naming one of: ${types.join(', ')}.` });
    }
    case 'type': {
      // A value that must come from a list is better explained by its `enum` error (which lists the choices).
      if (all.some((e) => e.keyword === 'enum' && e.instancePath === error.instancePath)) return undefined;
      const expected = ([] as string[]).concat(error.params.type as string | string[]);
      const example = schemaAt(path, document.value)?.examples?.find((e) => e !== null);
      // `loss: supCon` → `loss: { type: supCon }`: the shorthand people try first.
      const node = schemaAt(path, document.value);
      const types = node?.discriminator ? [...unionBranches(node).keys()] : [];
      const tag = typeof actual === 'string' ? (types.includes(actual) ? actual : closest(actual, types)) : undefined;
      if (tag !== undefined) {
        return makeProblem(document, {
          ...base,
          message: `\`${where}\` must be a mapping with a \`type\`, not ${show(actual)}: write \`${where.split('.').pop()}: { type: ${tag} }\` and add options inside the braces.`,
          fixes: fix(`Change to \`{ type: ${tag} }\``, setField(document, path, { type: tag })),
        });
      }
      if (path.length === 0) return makeProblem(document, { ...base, message: `A spec is a mapping of options (\`experiment: my-run\`, \`loss: { type: supCon }\`, …), not ${show(actual)}.` });
      const hint = example !== undefined ? ` For example: \`${JSON.stringify(example)}\`.` : '';
      return makeProblem(document, { ...base, message: `\`${where}\` must be ${expected.map(typeName).join(' or ')}, not ${show(actual)}.${hint}` });
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const comparison = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' }[error.keyword];
      const limit = Number(error.params.limit);
      const why = firstSentence(schemaAt(path, document.value)?.markdownDescription);
      return makeProblem(document, { ...base, message: `\`${where}\` must be ${comparison} ${limit}, not ${show(actual)}.${why ? ` (${why})` : ''}` });
    }
    case 'minItems':
    case 'maxItems': {
      const node = schemaAt(path, document.value);
      const count = node?.minItems !== undefined && node.minItems === node.maxItems ? `exactly ${node.minItems} items` : error.keyword === 'minItems' ? `at least ${error.params.limit} item(s)` : `at most ${error.params.limit} items`;
      return makeProblem(document, { ...base, message: `\`${where}\` must have ${count}, not ${Array.isArray(actual) ? actual.length : 0}.` });
    }
    case 'minLength':
      return makeProblem(document, { ...base, message: `\`${where}\` must not be empty.` });
    case 'uniqueItems':
      return makeProblem(document, { ...base, message: `\`${where}\` lists the same value twice (items ${error.params.j} and ${error.params.i}); remove the duplicate.` });
    case 'const':
      return makeProblem(document, { ...base, message: `\`${where}\` must be ${show(error.params.allowedValue)}.` });
    default:
      return makeProblem(document, { ...base, message: `\`${where}\` ${error.message ?? 'is invalid'}.` });
  }
}

/** The kind of ingredient whose `type` is at `path` (`augmentation` for an item of a view list). */
function ingredientKind(path: FieldPath, value: unknown): string {
  const union = schemaAt(path.slice(0, -1), value);
  const ref = union?.oneOf?.[0]?.$ref;
  return ref ? ref.replace(/^#\/\$defs\//, '').split('-')[0]! : String(path[path.length - 2] ?? 'ingredient');
}

function toPath(pointer: string, value: unknown): FieldPath {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let current: unknown = value;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key = Array.isArray(current) ? Number(segment) : segment;
    path.push(key);
    current = current !== null && typeof current === 'object' ? (current as Record<string | number, unknown>)[key] : undefined;
  }
  return path;
}

function valueAt(value: unknown, path: FieldPath): unknown {
  let current = value;
  for (const segment of path) current = current !== null && typeof current === 'object' ? (current as Record<string | number, unknown>)[segment] : undefined;
  return current;
}

function typeName(type: string): string {
  return { integer: 'a whole number', number: 'a number', string: 'text', boolean: 'true or false', object: 'a mapping (key: value pairs)', array: 'a list', null: 'null' }[type] ?? type;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function firstSentence(markdown: string | undefined): string {
  if (!markdown) return '';
  const sentence = markdown.split(/(?<=\.)\s/)[0]!.replace(/\n.*/s, '');
  return sentence.length <= 160 ? sentence : '';
}

/** The union member whose options best explain the keys already written (`{margin: 0.2}` → triplet); the first member when none fits better. */
function bestFittingType(branches: ReadonlyMap<string, JsonSchema>, keys: readonly string[]): string {
  let best = branches.keys().next().value as string;
  let bestScore = -Infinity;
  for (const [tag, branch] of branches) {
    const options = new Set(Object.keys(branch.properties ?? {}));
    const score = keys.reduce((sum, key) => sum + (options.has(key) ? 1 : -1), 0);
    if (score > bestScore) {
      best = tag;
      bestScore = score;
    }
  }
  return best;
}
